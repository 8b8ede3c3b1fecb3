print("mtpctl: not yet")
