from app.domain.credit_code import credit_code_problem, make_credit_code


def test_known_valid_code_passes():
    assert credit_code_problem("91350100M000100Y43") is None


def test_generated_code_passes_and_a_changed_character_fails():
    code = make_credit_code("91410100MA40CJT01")
    assert credit_code_problem(code) is None
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert "校验位" in credit_code_problem(broken)


def test_length_and_alphabet_are_checked():
    assert credit_code_problem("9135010") is not None
    assert credit_code_problem("91350100M000100Y4I") is not None  # I is not in the alphabet
    assert credit_code_problem("91ABCDEFM000100Y43") is not None  # region code must be digits


def test_forms_check_the_credit_code_format_without_touching_jsonschemas_global_registry() -> None:
    from jsonschema import FormatChecker

    from app.domain.credit_code import make_credit_code
    from app.formdefs import validate_submission

    schema = {"type": "object", "properties": {"code": {"type": "string", "format": "credit-code"}}}
    assert validate_submission(schema, {"code": make_credit_code("91410105MA9WEB001")}) == {}
    assert set(validate_submission(schema, {"code": "91410105MA9WEB0010"})) == {"code"}
    assert "credit-code" not in FormatChecker.checkers
