// LayersCredits
