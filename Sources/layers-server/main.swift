import LayersServer
print("layers-server")
