// libFuzzer target for LayersHTTP's request parser (built by fuzz/run.sh with -sanitize=fuzzer,address).
//
// Each input is parsed twice: all at once, and fed in pieces (piece size from the first byte). Both must
// agree on every message and on the final error, consume no more than they were given, and respect the
// limits. Any crash, sanitizer report or disagreement is a finding.

struct Outcome: Equatable {
    var messages: [String] = []
    var error: HTTPParseError?
}

let limits = RequestParserLimits(maxRequestLineBytes: 256, maxHeaderBytes: 1024, maxHeaderCount: 16, maxBodyBytes: 2048)

func describe(_ head: RequestHead, _ body: [UInt8]) -> String {
    "\(head.method.rawValue) \(head.target) \(head.version) \(head.framing) ka=\(head.keepAlive) "
        + "100=\(head.expectContinue) h=\(head.headers.count) body=\(body)"
}

func run(_ input: [UInt8], pieceSize: Int) -> Outcome {
    var parser = RequestParser(limits: limits)
    var outcome = Outcome()
    var pending: [UInt8] = []
    var offset = 0
    while offset < input.count {
        let end = min(input.count, offset + pieceSize)
        pending += input[offset..<end]
        offset = end
        while !pending.isEmpty {
            do {
                let (consumed, event) = try pending.withUnsafeBufferPointer { try parser.parse($0) }
                precondition(consumed >= 0 && consumed <= pending.count, "consumed more than given")
                pending.removeFirst(consumed)
                switch event {
                case .message(let head, let body):
                    precondition(body.count <= limits.maxBodyBytes, "body over the limit")
                    precondition(head.headers.count <= limits.maxHeaderCount, "too many headers accepted")
                    outcome.messages.append(describe(head, body))
                case .head:
                    continue
                case .needMore:
                    break
                }
                if case .needMore = event { break }
            } catch {
                outcome.error = error as? HTTPParseError
                return outcome
            }
        }
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = run(input, pieceSize: input.count)
    let pieces = run(input, pieceSize: Int(input[0] % 13) + 1)
    precondition(whole == pieces, "split parsing disagrees: \(whole) vs \(pieces)")
    return 0
}
