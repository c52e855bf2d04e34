"""The pack editor: write, check, preview and publish a question pack in the app."""
