import Foundation
import LayersCredits

extension ModelRegistry {
    /// A copy of this registry with an override file applied (see docs/models.md):
    /// entries whose `id` is known change only the fields they give; new ids add models (then
    /// `pricing.input`, `pricing.output` — or `pricing.images` for image models — and
    /// `context_window` are required); ids in `remove` are dropped.
    ///
    /// - Throws: `ModelOverrideError` naming the entry (index and id), the field and the reason.
    public func applying(overrides data: Data) throws -> ModelRegistry {
        let file: ModelOverrideFile
        do {
            file = try JSONDecoder().decode(ModelOverrideFile.self, from: data)
        } catch let error as DecodingError {
            let (path, reason) = error.overridePathAndReason
            throw ModelOverrideApplier.locate(path, reason: reason, data: data)
        } catch {
            throw ModelOverrideError(reason: "not valid JSON: \(error.localizedDescription)")
        }
        if let (path, known) = ModelOverrideFile.schema.firstUnknownMember(in: data) {
            throw ModelOverrideApplier.locate(path, reason: "is not a known field (known: \(known.joined(separator: ", ")))",
                                              data: data)
        }
        return try ModelOverrideApplier(base: self).apply(file)
    }

    /// A copy of this registry with the override file at `path` applied.
    public func applying(overridesFile path: String) throws -> ModelRegistry {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelOverrideError(reason: "cannot read override file \(path): \(error.localizedDescription)")
        }
        return try applying(overrides: data)
    }

    /// The built-in registry with the override file at `path` applied.
    public static func load(overridesFile path: String) throws -> ModelRegistry {
        try builtIn.applying(overridesFile: path)
    }
}

/// Validates override entries and merges them into a registry.
struct ModelOverrideApplier {
    let base: ModelRegistry

    func apply(_ file: ModelOverrideFile) throws -> ModelRegistry {
        var models = base.all
        var positions: [String: Int] = [:]
        for (position, model) in models.enumerated() { positions[model.id.lowercased()] = position }

        for (index, entry) in (file.models ?? []).enumerated() {
            guard let rawID = entry.id?.trimmingCharacters(in: .whitespaces), !rawID.isEmpty else {
                throw ModelOverrideError(index: index, field: "id", reason: "is required")
            }
            let fail = { (field: String?, reason: String) in
                ModelOverrideError(index: index, id: rawID, field: field, reason: reason)
            }
            guard let slash = rawID.firstIndex(of: "/"), slash != rawID.startIndex,
                  rawID.index(after: slash) != rawID.endIndex, !rawID.contains(" ") else {
                throw fail("id", "must look like \"provider/model\"")
            }
            if let position = positions[rawID.lowercased()] {
                models[position] = try merge(entry, into: models[position], fail: fail)
            } else {
                let model = try create(entry, id: rawID, fail: fail)
                positions[rawID.lowercased()] = models.count
                models.append(model)
            }
        }
        if let removals = file.remove {
            var removed = Set<String>()
            for (index, id) in removals.enumerated() {
                let key = id.lowercased()
                guard positions[key] != nil else {
                    throw ModelOverrideError(id: id, field: "remove[\(index)]", reason: "names no known model")
                }
                guard !removed.contains(key) else {
                    throw ModelOverrideError(id: id, field: "remove[\(index)]", reason: "is listed twice")
                }
                removed.insert(key)
            }
            models.removeAll { removed.contains($0.id.lowercased()) }
        }
        // Aliases must not point at two models.
        var owners: [String: String] = [:]
        for model in models { owners[model.id.lowercased()] = model.id }
        for model in models {
            for alias in model.aliases {
                if let owner = owners[alias.lowercased()], owner != model.id {
                    throw ModelOverrideError(id: model.id, field: "aliases",
                                             reason: "alias \"\(alias)\" already names \(owner)")
                }
                owners[alias.lowercased()] = model.id
            }
        }
        return ModelRegistry(models: models)
    }

    private func create(_ entry: ModelOverrideFile.Entry, id: String,
                        fail: (String?, String) -> ModelOverrideError) throws -> ModelInfo {
        let kind = try parseKind(entry.kind, fail: fail) ?? .chat
        // Image models have no meaningful context window (0 unless given).
        guard let contextWindow = entry.contextWindow ?? (kind == .image ? 0 : nil) else {
            throw fail("context_window", "is required for a new chat or embedding model")
        }
        guard let pricingEntry = entry.pricing else { throw fail("pricing", "is required for a new model") }
        if kind == .image {
            guard pricingEntry.images != nil else { throw fail("pricing.images", "is required for a new image model") }
        } else {
            guard pricingEntry.input != nil else { throw fail("pricing.input", "is required for a new model") }
            guard pricingEntry.output != nil || kind == .embedding else {
                throw fail("pricing.output", "is required for a new model")
            }
        }
        let defaultCapabilities: Set<Capability> = switch kind {
        case .chat: [.text, .stream]
        case .image: [.imageGen]
        case .embedding: [.embed]
        }
        var model = ModelInfo(id: id, displayName: entry.displayName ?? id, kind: kind,
                              capabilities: defaultCapabilities, contextWindow: contextWindow,
                              maxOutputTokens: nil, pricing: ModelPricing(input: .zero, output: .zero),
                              released: entry.released ?? "")
        model = try merge(entry, into: model, fail: fail)
        return model
    }

    private func merge(_ entry: ModelOverrideFile.Entry, into original: ModelInfo,
                       fail: (String?, String) -> ModelOverrideError) throws -> ModelInfo {
        var model = original
        if let provider = entry.provider {
            guard !provider.isEmpty, provider.lowercased() == ModelInfo.providerPart(of: model.id)?.lowercased() else {
                throw fail("provider", "must match the id's prefix \"\(ModelInfo.providerPart(of: model.id) ?? "")\"")
            }
        }
        if let name = entry.displayName {
            guard !name.isEmpty else { throw fail("display_name", "must not be empty") }
            model.displayName = name
        }
        if let kind = try parseKind(entry.kind, fail: fail) { model.kind = kind }
        if let names = entry.capabilities {
            var capabilities: Set<Capability> = []
            for name in names {
                guard let capability = Capability(name: name) else {
                    let known = Capability.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("capabilities", "unknown capability \"\(name)\" (known: \(known))")
                }
                capabilities.insert(capability)
            }
            model.capabilities = capabilities
        }
        if let context = entry.contextWindow {
            guard context >= 0 else { throw fail("context_window", "must not be negative, got \(context)") }
            model.contextWindow = context
        }
        if let maxInput = entry.maxInputTokens {
            guard maxInput > 0 else { throw fail("max_input_tokens", "must be positive, got \(maxInput)") }
            model.maxInputTokens = maxInput
        }
        if let maxOutput = entry.maxOutputTokens {
            guard maxOutput > 0 else { throw fail("max_output_tokens", "must be positive, got \(maxOutput)") }
            model.maxOutputTokens = maxOutput
        }
        if let released = entry.released {
            guard Self.isYearMonth(released) else { throw fail("released", "must be \"YYYY-MM\", got \"\(released)\"") }
            model.released = released
        }
        if let deprecated = entry.deprecated { model.deprecated = deprecated }
        if let date = entry.deprecationDate {
            guard Self.isDate(date) else { throw fail("deprecation_date", "must be \"YYYY-MM-DD\", got \"\(date)\"") }
            model.deprecationDate = date
        }
        if let aliases = entry.aliases {
            guard !aliases.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                throw fail("aliases", "must not contain empty names")
            }
            model.aliases = aliases
        }
        if let upstream = entry.upstreamName {
            guard !upstream.isEmpty else { throw fail("upstream_name", "must not be empty") }
            model.upstreamName = upstream
        }
        if let reasoningOnly = entry.reasoningOnly { model.reasoningOnly = reasoningOnly }
        if let notes = entry.notes { model.notes = notes }
        if let pricing = entry.pricing { model.pricing = try merge(pricing, into: model.pricing, fail: fail) }
        if model.kind != .image && model.contextWindow <= 0 {
            throw fail("context_window", "must be positive for a \(model.kind.rawValue) model, got \(model.contextWindow)")
        }
        if let maxInput = model.maxInputTokens, maxInput > model.contextWindow {
            throw fail("max_input_tokens", "must not exceed context_window (\(model.contextWindow))")
        }
        return model
    }

    private func merge(_ entry: ModelOverrideFile.Pricing, into original: ModelPricing,
                       fail: (String?, String) -> ModelOverrideError) throws -> ModelPricing {
        var pricing = original
        func price(_ text: DecimalText?, _ field: String) throws -> TokenPrice? {
            guard let text else { return nil }
            guard let value = TokenPrice(parsingUSDPerMillion: text.text) else {
                throw fail(field, "must be a non-negative decimal amount of USD per 1M tokens with at most 6 decimals, got \"\(text.text)\"")
            }
            return value
        }
        func usd(_ text: DecimalText?, _ field: String) throws -> Picodollars? {
            guard let text else { return nil }
            guard let value = Picodollars(usdString: text.text), value >= .zero else {
                throw fail(field, "must be a non-negative decimal amount of USD with at most 12 decimals, got \"\(text.text)\"")
            }
            return value
        }
        if let value = try price(entry.input, "pricing.input") { pricing.input = value }
        if let value = try price(entry.audioInput, "pricing.audio_input") { pricing.audioInput = value }
        if let value = try price(entry.output, "pricing.output") { pricing.output = value }
        if let value = try price(entry.cachedRead, "pricing.cached_read") { pricing.cachedRead = value }
        if let value = try price(entry.cacheWrite5m, "pricing.cache_write_5m") { pricing.cacheWrite5m = value }
        if let value = try price(entry.cacheWrite1h, "pricing.cache_write_1h") { pricing.cacheWrite1h = value }
        if let value = try usd(entry.perWebSearch, "pricing.per_web_search") { pricing.perWebSearch = value }
        if let tiers = entry.longContext {
            pricing.longContextTiers = try tiers.enumerated().map { position, tier in
                let path = "pricing.long_context[\(position)]"
                guard let above = tier.aboveTokens, above > 0 else {
                    throw fail(path + ".above_tokens", "is required and must be positive")
                }
                guard let input = try price(tier.input, path + ".input") else { throw fail(path + ".input", "is required") }
                guard let output = try price(tier.output, path + ".output") else { throw fail(path + ".output", "is required") }
                return LongContextTier(aboveTokens: above, input: input, output: output,
                                       cachedRead: try price(tier.cachedRead, path + ".cached_read"),
                                       cacheWrite5m: try price(tier.cacheWrite5m, path + ".cache_write_5m"),
                                       cacheWrite1h: try price(tier.cacheWrite1h, path + ".cache_write_1h"))
            }
        }
        if let fees = entry.requestFeesPer1K {
            func perRequest(_ text: DecimalText?, _ name: String) throws -> Picodollars {
                let field = "pricing.request_fees_per_1k." + name
                guard let perThousand = try usd(text, field) else { throw fail(field, "is required") }
                return Picodollars(rawValue: perThousand.rawValue / 1000)
            }
            pricing.requestFees = RequestFees(low: try perRequest(fees.low, "low"),
                                              medium: try perRequest(fees.medium, "medium"),
                                              high: try perRequest(fees.high, "high"))
        }
        if let images = entry.images {
            var result = pricing.images ?? ImagePricing()
            if let value = try usd(images.perImage, "pricing.images.per_image") { result.perImage = value }
            if let value = try usd(images.perMegapixel, "pricing.images.per_megapixel") { result.perMegapixel = value }
            if let value = try usd(images.perAdditionalMegapixel, "pricing.images.per_additional_megapixel") {
                result.perAdditionalMegapixel = value
            }
            if let sizes = images.sizes {
                result.sizes = try sizes.enumerated().map { position, entry in
                    let path = "pricing.images.sizes[\(position)]"
                    guard let size = entry.size?.trimmingCharacters(in: .whitespaces), !size.isEmpty else {
                        throw fail(path + ".size", "is required (e.g. \"1024x1024\" or \"1K\")")
                    }
                    guard let value = try usd(entry.price, path + ".price") else { throw fail(path + ".price", "is required") }
                    return ImageSizePrice(size: size, quality: entry.quality, price: value)
                }
            }
            if let size = images.defaultSize { result.defaultSize = size }
            if let quality = images.defaultQuality { result.defaultQuality = quality }
            pricing.images = result
        }
        return pricing
    }

    private func parseKind(_ text: String?, fail: (String?, String) -> ModelOverrideError) throws -> ModelKind? {
        guard let text else { return nil }
        guard let kind = ModelKind(rawValue: text.lowercased()) else {
            throw fail("kind", "must be one of chat, image, embedding; got \"\(text)\"")
        }
        return kind
    }

    /// "YYYY-MM" with a month from 01 to 12.
    static func isYearMonth(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 7 && bytes[4] == UInt8(ascii: "-") && isDigits(bytes[0..<4])
            && isNumber(bytes[5..<7], in: 1...12)
    }

    /// "YYYY-MM-DD" with a month from 01 to 12 and a day from 01 to 31.
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && bytes[7] == UInt8(ascii: "-") && isYearMonth(String(decoding: bytes[0..<7], as: UTF8.self))
            && isNumber(bytes[8..<10], in: 1...31)
    }

    private static func isDigits(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func isNumber(_ bytes: ArraySlice<UInt8>, in range: ClosedRange<Int>) -> Bool {
        isDigits(bytes) && range.contains(Int(String(decoding: bytes, as: UTF8.self)) ?? -1)
    }

    /// A `ModelOverrideError` for a problem at `path` in the file: the entry (index and id) when
    /// the path is inside `models`, and the field below it.
    static func locate(_ path: [OverridePathComponent], reason: String, data: Data) -> ModelOverrideError {
        guard path.count >= 2, path[0] == .key("models"), case .index(let index) = path[1] else {
            let field = OverridePathComponent.fieldName(path)
            return ModelOverrideError(field: field.isEmpty ? nil : field,
                                      reason: field.isEmpty ? "the file is not a valid override document (\(reason))" : reason)
        }
        // Recover the entry's id for the message, if it has a readable one.
        let id = OverrideJSON.parse(data)?["models"]?[index]?["id"]?.stringValue
        let field = OverridePathComponent.fieldName(path.dropFirst(2))
        return ModelOverrideError(index: index, id: id, field: field.isEmpty ? nil : field, reason: reason)
    }
}
