internal import FolioModel
internal import Foundation

/// How ``TermVectorLearner`` learns a table.
public struct TermVectorLearning: Hashable, Sendable {
    /// The length of each term vector (8...1024).
    public var dimensions: Int
    /// Terms in fewer passages than this get no vector (they say nothing about co-occurrence).
    public var minimumPassages: Int
    /// At most this many terms are kept, the most widespread first.
    public var maximumTerms: Int
    /// At most this many passages are kept for the decomposition: past it, each kept passage is
    /// dropped with probability 1/2 and from then on one passage added in 2 (4, …) is kept at random,
    /// a uniform sample in bounded memory (the dense work is passages × (dimensions + oversampling)
    /// doubles).
    public var maximumPassages: Int
    /// The smooth-inverse-frequency constant a: a term's weight in a passage vector is a / (a + p),
    /// p its share of all term occurrences.
    public var smoothing: Double
    /// Term vectors are the left singular vectors scaled by σ to this power (0 keeps them unscaled,
    /// 1 is classic LSA).
    public var singularValuePower: Double
    /// Random-projection settings of the truncated SVD.
    public var oversampling: Int
    public var powerIterations: Int
    public var seed: UInt64

    /// - Throws: ``IndexError/Code/invalidConfiguration`` for values out of range.
    public init(
        dimensions: Int = 128, minimumPassages: Int = 2, maximumTerms: Int = 40_000,
        maximumPassages: Int = 100_000, smoothing: Double = 1e-3,
        singularValuePower: Double = 0.5, oversampling: Int = 10, powerIterations: Int = 2, seed: UInt64 = 1
    ) throws(IndexError) {
        guard (8...1024).contains(dimensions), minimumPassages >= 1, maximumTerms >= 1,
            maximumPassages >= 2 * dimensions, smoothing > 0,
            (0...2).contains(singularValuePower), (0...100).contains(oversampling), (0...10).contains(powerIterations)
        else {
            throw IndexError(
                .invalidConfiguration,
                """
                term-vector learning: dimensions \(dimensions) (8...1024), minimumPassages \(minimumPassages) (≥ 1), \
                maximumTerms \(maximumTerms) (≥ 1), maximumPassages \(maximumPassages) (≥ 2 × dimensions), \
                smoothing \(smoothing) (> 0), singularValuePower \(singularValuePower) (0...2), \
                oversampling \(oversampling) (0...100), powerIterations \(powerIterations) (0...10)
                """)
        }
        self.dimensions = dimensions
        self.minimumPassages = minimumPassages
        self.maximumTerms = maximumTerms
        self.maximumPassages = maximumPassages
        self.smoothing = smoothing
        self.singularValuePower = singularValuePower
        self.oversampling = oversampling
        self.powerIterations = powerIterations
        self.seed = seed
    }

    public static let standard = try! TermVectorLearning()  // the defaults are in range
}

/// Learns ``TermVectors`` from passages of a collection: no labels and no outside model.
///
/// ```swift
/// var learner = TermVectorLearner()
/// for chunk in chunks { learner.add(passage: chunk.text) }
/// let vectors = try learner.learn(summary: "64 contracts")
/// ```
///
/// Method (latent semantic analysis): a term × passage matrix of (1 + ln tf) · ln(N / df), each
/// passage column scaled to unit length; its truncated SVD (``RandomizedSVD``) gives each term the
/// row of U scaled by σ^``TermVectorLearning/singularValuePower``. Terms that share contexts across
/// the collection (`terminate`, `cancel`, `expiry`) end up close even where they never co-occur.
public struct TermVectorLearner: Sendable {
    public let analyzer: Analyzer
    public let learning: TermVectorLearning
    /// The term dictionary (stems cached per surface word) and, between passages, one passage's terms.
    private var inverter: Inverter
    private var occurrences: [Int] = []
    private var passageFrequency: [Int32] = []
    /// Per passage: its distinct terms and their counts.
    private var passageStarts: [Int] = [0]
    private var passageTerms: [Int32] = []
    private var passageCounts: [Int32] = []
    private var termBytes: [[UInt8]] { inverter.termBytes }
    /// One in how many passages is kept (see ``TermVectorLearning/maximumPassages``), drawn at random
    /// (a fixed stride would alias with a collection's periodic structure).
    private var keepOneIn = 1
    private var sampling: SplitMix64

    public init(analyzer: Analyzer = Analyzer(), learning: TermVectorLearning = .standard) {
        self.analyzer = analyzer
        self.learning = learning
        inverter = Inverter(analyzer: analyzer)
        sampling = SplitMix64(seed: learning.seed)
    }

    /// The passages kept for learning so far (all those added, up to ``TermVectorLearning/maximumPassages``).
    public var passageCount: Int { passageStarts.count - 1 }

    /// Adds one passage (a chunk's text).
    public mutating func add(passage: String) {
        var passage = passage
        passage.withUTF8 { utf8 in _ = analyzer.scan(utf8, into: &inverter) }
        while occurrences.count < inverter.termBytes.count {
            occurrences.append(0)
            passageFrequency.append(0)
        }
        let terms = inverter.occurrenceTerms.sorted()
        inverter.occurrenceTerms.removeAll(keepingCapacity: true)
        inverter.occurrencePositions.removeAll(keepingCapacity: true)
        guard !terms.isEmpty else { return }
        for term in terms { occurrences[Int(term)] += 1 }  // frequencies count every passage, kept or not
        guard keepOneIn == 1 || sampling.below(keepOneIn) == 0 else { return }
        var index = 0
        while index < terms.count {
            let term = terms[index]
            var count: Int32 = 0
            while index < terms.count && terms[index] == term {
                count += 1
                index += 1
            }
            passageTerms.append(Int32(term))
            passageCounts.append(count)
            passageFrequency[Int(term)] += 1
        }
        passageStarts.append(passageTerms.count)
        if passageCount > learning.maximumPassages { halveSample() }
    }

    /// Keeps each passage with probability 1/2, and from now on half as many of those added.
    private mutating func halveSample() {
        var starts = [0]
        var terms: [Int32] = []
        var counts: [Int32] = []
        for passage in 0..<passageCount {
            let entries = passageStarts[passage]..<passageStarts[passage + 1]
            if sampling.below(2) == 0 {
                terms.append(contentsOf: passageTerms[entries])
                counts.append(contentsOf: passageCounts[entries])
                starts.append(terms.count)
            } else {
                for entry in entries { passageFrequency[Int(passageTerms[entry])] -= 1 }
            }
        }
        passageStarts = starts
        passageTerms = terms
        passageCounts = counts
        keepOneIn *= 2
    }

    /// Learns the table.
    ///
    /// - Throws: ``IndexError/Code/invalidConfiguration`` when the collection is too small to learn
    ///   from (fewer kept terms or passages than twice the dimensions).
    public func learn(summary: String) throws(IndexError) -> TermVectors {
        // Keep the terms in enough passages, the most widespread first (ties by bytes: deterministic).
        var kept = termBytes.indices.filter { Int(passageFrequency[$0]) >= learning.minimumPassages }
        kept.sort {
            passageFrequency[$0] != passageFrequency[$1]
                ? passageFrequency[$0] > passageFrequency[$1] : termBytes[$0].lexicographicallyPrecedes(termBytes[$1])
        }
        kept = Array(kept.prefix(learning.maximumTerms))
        let passages = passageCount
        guard kept.count >= 2 * learning.dimensions, passages >= 2 * learning.dimensions else {
            throw IndexError(
                .invalidConfiguration,
                """
                too little text to learn \(learning.dimensions)-dimensional term vectors: \(passages) passages and \
                \(kept.count) terms in at least \(learning.minimumPassages) passages; both need to be at least \
                \(2 * learning.dimensions)
                """)
        }
        var row = [Int32](repeating: -1, count: termBytes.count)
        for (index, term) in kept.enumerated() { row[term] = Int32(index) }

        // The weighted matrix, passage columns at unit length.
        var columnStarts = [0]
        var rowIndices: [Int32] = []
        var values: [Double] = []
        let total = Double(passages)
        for passage in 0..<passages {
            let start = values.count
            var squares = 0.0
            for entry in passageStarts[passage]..<passageStarts[passage + 1] {
                let term = Int(passageTerms[entry])
                guard row[term] >= 0 else { continue }
                let value = (1 + log(Double(passageCounts[entry]))) * log(total / Double(passageFrequency[term]))
                guard value > 0 else { continue }
                rowIndices.append(row[term])
                values.append(value)
                squares += value * value
            }
            if squares > 0 {
                let scale = 1 / squares.squareRoot()
                for index in start..<values.count { values[index] *= scale }
            }
            columnStarts.append(values.count)
        }
        let matrix = SparseColumns(
            rows: kept.count, columns: passages, columnStarts: columnStarts, rowIndices: rowIndices, values: values)
        let svd = RandomizedSVD(
            matrix, rank: learning.dimensions, oversampling: learning.oversampling,
            powerIterations: learning.powerIterations, seed: learning.seed)
        let dimensions = svd.rank
        var vectors = [Float](repeating: 0, count: kept.count * dimensions)
        let scales = svd.singularValues.map { pow($0, learning.singularValuePower) }
        for term in 0..<kept.count {
            for d in 0..<dimensions { vectors[term * dimensions + d] = Float(svd.u[term * dimensions + d] * scales[d]) }
        }
        let allOccurrences = Double(occurrences.reduce(0, +))
        let weights = kept.map {
            Float(learning.smoothing / (learning.smoothing + Double(occurrences[$0]) / allOccurrences))
        }
        let image = TermVectors.image(
            terms: kept.map { termBytes[$0] }, vectors: vectors, weights: weights, dimensions: dimensions,
            analyzer: analyzer.configuration,
            summary: "\(summary); \(passages) passages, \(kept.count) terms, \(dimensions) dimensions")
        return try TermVectors(image: image, origin: "learned table")
    }
}
