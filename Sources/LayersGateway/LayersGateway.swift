// LayersGateway
