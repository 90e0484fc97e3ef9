// LayersModels
