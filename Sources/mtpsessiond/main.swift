print("mtpsessiond: not yet")
