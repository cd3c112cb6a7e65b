"""Break cover: someone covers a rota for a short while, and the rota's channels are told."""
