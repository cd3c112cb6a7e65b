"""Who is on call: the rotas' plans with the overrides painted over them.

Rotas and overrides sit side by side below this package and never import each other; what
needs both (who is on now, a rota's final schedule and calendar, previews of a change) is here.
"""
