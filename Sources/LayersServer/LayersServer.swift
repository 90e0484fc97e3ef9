// LayersServer
