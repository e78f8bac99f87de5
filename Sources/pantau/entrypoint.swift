import PantauApp
print("x")
