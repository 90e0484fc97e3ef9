/// Finds known model ids close to an unknown one.
///
/// Each candidate (every id and alias, and the id's bare model name) gets a distance:
/// - the Levenshtein edit distance between the lower-cased query and the candidate,
///   computed on the full id and on the bare model name (whichever is smaller);
/// - when one bare name contains the other (e.g. "sonnet" in "claude-sonnet-4.5"), at most
///   1 + (length difference) / 4, so containment beats a long edit distance;
/// - minus 1 for a shared prefix of 4 or more characters.
/// Candidates farther than about half the query's length are dropped, so nonsense gets no
/// suggestions. Each model appears once, under its canonical id.
struct ModelSuggester {
    let models: [ModelInfo]

    func suggestions(for unknownID: String, limit: Int) -> [String] {
        let query = unknownID.trimmingCharacters(in: .whitespaces).lowercased()
        guard !query.isEmpty, limit > 0 else { return [] }
        let queryBare = ModelInfo.modelPart(of: query)
        var scored: [(id: String, score: Int)] = []
        for model in models {
            var best = Int.max
            let names = [model.id] + model.aliases
            for name in names.map({ $0.lowercased() }) {
                best = min(best, score(query: query, queryBare: queryBare, candidate: name))
            }
            let bare = model.modelName.lowercased()
            best = min(best, score(query: queryBare, queryBare: queryBare, candidate: bare))
            let threshold = max(2, (queryBare.count + 1) / 2)
            if best <= threshold { scored.append((model.id, best)) }
        }
        scored.sort { $0.score != $1.score ? $0.score < $1.score : $0.id < $1.id }
        return scored.prefix(limit).map(\.id)
    }

    private func score(query: String, queryBare: String, candidate: String) -> Int {
        var distance = Self.levenshtein(query, candidate)
        let candidateBare = ModelInfo.modelPart(of: candidate)
        distance = min(distance, Self.levenshtein(queryBare, candidateBare))
        if queryBare.count >= 3 && candidateBare.count >= 3
            && (candidateBare.contains(queryBare) || queryBare.contains(candidateBare)) {
            distance = min(distance, 1 + abs(candidateBare.count - queryBare.count) / 4)
        }
        let prefix = Self.sharedPrefixLength(queryBare, candidateBare)
        if prefix >= 4 { distance -= 1 }
        return max(0, distance)
    }

    /// Classic two-row Levenshtein distance over UTF-8 bytes (model ids are ASCII).
    static func levenshtein(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    static func sharedPrefixLength(_ a: String, _ b: String) -> Int {
        var count = 0
        for (p, q) in zip(a.utf8, b.utf8) {
            guard p == q else { break }
            count += 1
        }
        return count
    }
}
