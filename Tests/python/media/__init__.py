"""Image, embeddings and /v1/messages end-to-end tests (a package, so its conftest never shadows another suite's)."""
