"""The pure domain: values, the workbook grammar, parsing, the scoring rules, config, auth rules, errors."""
