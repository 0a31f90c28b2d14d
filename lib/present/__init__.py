"""Pure presentation: formatting, the UI catalogue, tables, charts, screen HTML and export builders."""
