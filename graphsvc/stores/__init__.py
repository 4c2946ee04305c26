"""Store backends and the factory that picks one from a URL."""
