// LayersCore
