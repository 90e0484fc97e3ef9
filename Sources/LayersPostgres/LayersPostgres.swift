// LayersPostgres
