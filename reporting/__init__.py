"""The paper layer shared by all apps: PDF kit, charts, spreadsheets (depends on no app)."""
