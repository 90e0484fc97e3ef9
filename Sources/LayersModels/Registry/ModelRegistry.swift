import Foundation
import LayersCredits

/// The set of models the gateway serves, with lookups and queries. Immutable and `Sendable`:
/// build a new registry (`applying(overrides:)`) to change it.
///
/// ```swift
/// let registry = try ModelRegistry.builtIn.applying(overridesFile: "/etc/layers/models.json")
/// registry.model(id: "Anthropic/Claude-Sonnet-4.5")?.pricing.input   // $3/1M
/// registry.filter(ModelFilter(allOf: [.web])).map(\.id)
/// ```
public struct ModelRegistry: Sendable {
    /// All models, in registry order (built-in order, then models added by overrides).
    public let all: [ModelInfo]
    /// Lower-cased id and alias -> index in `all`.
    private let index: [String: Int]
    /// Lower-cased bare model name (after `provider/`), upstream name and bare alias -> indexes,
    /// for lookups without the provider prefix.
    private let bareIndex: [String: [Int]]

    /// Builds a registry; later entries with a duplicate id replace earlier ones.
    public init(models: [ModelInfo]) {
        var unique: [ModelInfo] = []
        var positions: [String: Int] = [:]
        for model in models {
            let key = model.id.lowercased()
            if let existing = positions[key] {
                unique[existing] = model
            } else {
                positions[key] = unique.count
                unique.append(model)
            }
        }
        var index: [String: Int] = [:]
        var bare: [String: [Int]] = [:]
        for (position, model) in unique.enumerated() {
            index[model.id.lowercased()] = position
        }
        for (position, model) in unique.enumerated() {
            // Explicit aliases, then "provider/upstreamName" (e.g. "anthropic/claude-sonnet-4-5").
            let upstreamID = model.provider.rawValue + "/" + model.upstreamName
            for alias in model.aliases + [upstreamID] where index[alias.lowercased()] == nil {
                index[alias.lowercased()] = position
            }
            let bareNames = [model.modelName, model.upstreamName] + model.aliases.map(ModelInfo.modelPart(of:))
            for name in Set(bareNames.map { $0.lowercased() }) {
                bare[name, default: []].append(position)
            }
        }
        self.all = unique
        self.index = index
        self.bareIndex = bare
    }

    /// The built-in registry: every model in `BuiltInModels.all`.
    public static let builtIn = ModelRegistry(models: BuiltInModels.all)

    /// Number of models.
    public var count: Int { all.count }

    /// The model for an id or alias, case-insensitive. Also accepted: `provider/upstreamName`
    /// ("anthropic/claude-sonnet-4-5"), and a name without a provider prefix ("gpt-4o", an
    /// upstream name like "claude-sonnet-4-5", or an alias's like "claude-sonnet-4-5-20250929")
    /// when exactly one model has it.
    public func model(id: String) -> ModelInfo? {
        if let position = index[id] { return all[position] }  // the common case: an exact, canonical id
        let key = id.trimmingCharacters(in: .whitespaces).lowercased()
        if let position = index[key] { return all[position] }
        if let positions = bareIndex[key], positions.count == 1 { return all[positions[0]] }
        return nil
    }

    /// Shorthand for `model(id:)`.
    public subscript(id: String) -> ModelInfo? { model(id: id) }

    /// Models that match `filter`, in registry order.
    public func filter(_ filter: ModelFilter) -> [ModelInfo] { all.filter(filter.matches) }

    /// All models sorted by `key` in its natural order (see `ModelSortKey`), or the opposite
    /// order with `reversed: true`. Ties are always broken by id, A to Z.
    public func sorted(by key: ModelSortKey, reversed: Bool = false) -> [ModelInfo] {
        Self.sort(all, by: key, reversed: reversed)
    }

    /// `models` sorted by `key` (see `sorted(by:reversed:)`).
    public static func sort(_ models: [ModelInfo], by key: ModelSortKey, reversed: Bool = false) -> [ModelInfo] {
        models.sorted { x, y in
            let (a, b) = reversed ? (y, x) : (x, y)
            switch key {
            case .price:
                // Kinds are priced in different units (per token, per image): never interleave them.
                let (ka, kb) = (kindOrder(a.kind), kindOrder(b.kind))
                if ka != kb { return ka < kb }
                let (pa, pb) = (sortPrice(a), sortPrice(b))
                if pa != pb { return pa < pb }
            case .context:
                if a.contextWindow != b.contextWindow { return a.contextWindow > b.contextWindow }
            case .released:
                if a.released != b.released { return a.released > b.released }
            case .name:
                let order = a.displayName.lowercased().compare(b.displayName.lowercased())
                if order != .orderedSame { return order == .orderedAscending }
            }
            return x.id < y.id
        }
    }

    private static func kindOrder(_ kind: ModelKind) -> Int {
        switch kind {
        case .chat: return 0
        case .image: return 1
        case .embedding: return 2
        }
    }

    /// Token models compare by input + output per 1M; image-only models by one default image.
    static func sortPrice(_ model: ModelInfo) -> Int64 {
        if model.kind == .image, let images = model.pricing.images {
            return (images.price(size: nil, quality: nil) ?? images.maximumListedPrice).rawValue
        }
        return model.pricing.comparablePrice
    }

    /// The cheapest non-deprecated model of `kind` (chat by default) that has every capability in
    /// `capabilities`: chat and embedding models by input + output price per 1M tokens (as the
    /// original's `getCheapestModel`), image models by the price of one default image.
    public func cheapest(with capabilities: Set<Capability>, kind: ModelKind = .chat) -> ModelInfo? {
        let candidates = filter(ModelFilter(allOf: capabilities, kind: kind, includeDeprecated: false))
        return Self.sort(candidates, by: .price).first
    }

    /// All providers present, sorted.
    public var providers: [ProviderID] { Array(Set(all.map(\.provider))).sorted() }

    /// Up to `limit` known ids closest to `unknownID`, best first, for a "did you mean" error.
    /// See `ModelSuggester` for the scoring.
    public func suggestions(for unknownID: String, limit: Int = 3) -> [String] {
        ModelSuggester(models: all).suggestions(for: unknownID, limit: limit)
    }
}
