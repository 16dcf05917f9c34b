internal import FolioSystem
internal import Foundation

/// A request trace in Mooncake's format: one JSON object per line with `timestamp` (ms),
/// `input_length` and `output_length` (tokens) and `hash_ids` (one id per 512-token prefix block).
package struct MooncakeTrace: Sendable {
    package struct Request: Sendable, Equatable {
        package var timestampMs: Int64
        package var inputLength: Int
        package var outputLength: Int
        package var hashIDs: [Int64]

        package init(timestampMs: Int64, inputLength: Int, outputLength: Int, hashIDs: [Int64]) {
            self.timestampMs = timestampMs
            self.inputLength = inputLength
            self.outputLength = outputLength
            self.hashIDs = hashIDs
        }
    }

    /// In timestamp order (a stable sort of the file's lines).
    package var requests: [Request]

    package init(requests: [Request]) {
        self.requests = requests.enumerated().sorted {
            ($0.element.timestampMs, $0.offset) < ($1.element.timestampMs, $1.offset)
        }.map(\.element)
    }

    private struct Line: Decodable {
        var timestamp: Int64
        var inputLength: Int
        var outputLength: Int
        var hashIDs: [Int64]?

        enum CodingKeys: String, CodingKey {
            case timestamp
            case inputLength = "input_length"
            case outputLength = "output_length"
            case hashIDs = "hash_ids"
        }
    }

    /// Reads a trace file. Blank lines are skipped.
    ///
    /// - Throws: ``SchedulerError/Code/invalidTrace`` naming the file, and the line for a malformed
    ///   record or a negative length.
    package init(contentsOf path: String) throws(SchedulerError) {
        let bytes: [UInt8]
        do {
            bytes = try SystemFile.readAll(path)
        } catch {
            throw SchedulerError(.invalidTrace, "\(path): cannot read the trace (\(error.reason))", underlying: error)
        }
        try self.init(bytes: bytes, origin: path)
    }

    /// Parses trace bytes; `origin` names them in errors.
    package init(bytes: [UInt8], origin: String) throws(SchedulerError) {
        let decoder = JSONDecoder()
        var requests: [Request] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let parsed: Line
            do {
                parsed = try decoder.decode(Line.self, from: Data(line))
            } catch {
                throw SchedulerError(
                    .invalidTrace,
                    """
                    \(origin): line \(lineNumber) is not a trace record \
                    {timestamp, input_length, output_length, hash_ids}
                    """,
                    underlying: error)
            }
            guard parsed.timestamp >= 0, parsed.inputLength >= 0, parsed.outputLength >= 0 else {
                throw SchedulerError(.invalidTrace, "\(origin): line \(lineNumber) has a negative timestamp or length")
            }
            requests.append(
                Request(
                    timestampMs: parsed.timestamp, inputLength: parsed.inputLength,
                    outputLength: parsed.outputLength, hashIDs: parsed.hashIDs ?? []))
        }
        guard !requests.isEmpty else { throw SchedulerError(.invalidTrace, "\(origin): the trace has no requests") }
        self.init(requests: requests)
    }
}
