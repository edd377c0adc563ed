"""Evaluation profiles: `strict` (the default, the control's real question) and `powerpipe`
(the reference query, row for row)."""
