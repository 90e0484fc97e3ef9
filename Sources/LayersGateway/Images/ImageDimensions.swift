/// An image size in pixels, written `WxH` ("1024x1536").
public struct ImageDimensions: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `WxH` (case-insensitive `x`); nil for anything else, zero, or sides over 100,000.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
              w > 0, h > 0, w <= 100_000, h <= 100_000 else { return nil }
        self.init(width: w, height: h)
    }

    public var description: String { "\(width)x\(height)" }
    public var pixelCount: Int { width * height }
    /// The exact ratio, reduced ("1792x1024" is 7:4).
    public var aspectRatio: ImageAspectRatio { ImageAspectRatio(width: width, height: height).reduced }
}

/// An aspect ratio as written ("21:9"); two ratios are equal when they reduce to the same one (21:9 == 7:3).
public struct ImageAspectRatio: Sendable, Hashable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    /// `width:height` as given (zero or negative sides become 1).
    public init(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
    }

    /// The ratio reduced by the greatest common divisor (1792:1024 is 7:4).
    public var reduced: ImageAspectRatio {
        let divisor = Self.gcd(width, height)
        return ImageAspectRatio(width: width / divisor, height: height / divisor)
    }

    public static func == (lhs: ImageAspectRatio, rhs: ImageAspectRatio) -> Bool {
        lhs.width * rhs.height == rhs.width * lhs.height
    }

    public func hash(into hasher: inout Hasher) {
        let divisor = Self.gcd(width, height)
        hasher.combine(width / divisor)
        hasher.combine(height / divisor)
    }

    /// Parses `W:H` with positive integers (at most 10,000 each); nil otherwise.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let w = Int(parts[0].trimmingSpaces), let h = Int(parts[1].trimmingSpaces),
              w > 0, h > 0, w <= 10_000, h <= 10_000 else { return nil }
        self.init(width: w, height: h)
    }

    public var description: String { "\(width):\(height)" }
    /// Width over height.
    public var value: Double { Double(width) / Double(height) }

    public static let square = ImageAspectRatio(width: 1, height: 1)

    /// The original Layers' bucketing of a `WxH` size into one of five ratios:
    /// ratio > 1.7 is 16:9, > 1.3 is 3:2, < 0.6 is 9:16, < 0.8 is 2:3, otherwise 1:1.
    public static func bucketed(_ size: ImageDimensions) -> ImageAspectRatio {
        let ratio = Double(size.width) / Double(size.height)
        if ratio > 1.7 { return ImageAspectRatio(width: 16, height: 9) }
        if ratio > 1.3 { return ImageAspectRatio(width: 3, height: 2) }
        if ratio < 0.6 { return ImageAspectRatio(width: 9, height: 16) }
        if ratio < 0.8 { return ImageAspectRatio(width: 2, height: 3) }
        return .square
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
