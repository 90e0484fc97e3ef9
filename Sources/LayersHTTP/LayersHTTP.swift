// LayersHTTP
