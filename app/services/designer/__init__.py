"""The process designer's capability: validating and deploying uploaded diagrams and forms
(`uploads`), and the diagrams' drawing — checking that every element has a shape or edge
(`diagram_check`), laying out a diagram that has none (`diagram_layout`, `diagram_writer`)."""
