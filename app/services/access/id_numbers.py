"""ID card numbers of people (experts, site workers): stored only hashed and masked."""
from __future__ import annotations

import hashlib
import hmac

from app import settings


def mask_id_number(id_number: str) -> str:
    """Keep the region prefix and the last four characters: 4101**********1234."""
    return id_number[:4] + "*" * max(len(id_number) - 8, 0) + id_number[-4:]


def hash_id_number(id_number: str) -> str:
    """Keyed hash, so duplicates can be found without storing or revealing the number."""
    key = settings.current().secret_key.encode()
    return hmac.new(key, id_number.upper().encode(), hashlib.sha256).hexdigest()
