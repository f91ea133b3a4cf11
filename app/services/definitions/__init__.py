"""The definition side of the workflow runtime: deploying process versions (`deployments`), the
parsed specs kept per version (`definition_cache`), the operator registry diagrams' service tasks
name (`operator_registry`) and the start rules read from the diagrams (`start_guards`). It knows
no case: `app.services.workflow` runs cases on what it holds."""
