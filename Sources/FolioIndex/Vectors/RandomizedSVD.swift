// Performance notes
// Target: learning term vectors from the 64 CUAD dev contracts in ≤ 10 s. Measured (release, one
// core): 9,245 chunks, 5,469 terms kept, 128 dimensions: 1.4 s including ingest and chunking (256
// dimensions: 4.2 s; the two novels, 26,503 chunks and 40,000 terms: 7.6 s). The cost is dense: each
// orthonormalization is m·l² and each sparse product nnz·l multiply-adds, with l = k + oversampling.
// Every dense matrix is row-major so the sparse products stream whole rows (contiguous, vectorized by
// the compiler); orthonormalization works on the transpose, whose columns are then contiguous. Double
// precision throughout: power iterations square the condition number of the sketch.

internal import FolioModel
internal import Foundation

/// A sparse matrix stored by columns (CSC): rows × columns, nonzeros column after column.
struct SparseColumns: Sendable {
    let rows: Int
    let columns: Int
    /// `columnStarts[c]..<columnStarts[c + 1]` are column `c`'s entries.
    let columnStarts: [Int]
    let rowIndices: [Int32]
    let values: [Double]

    /// `self × x` for a row-major `x` (columns × width): a row-major rows × width matrix.
    func times(_ x: [Double], width: Int) -> [Double] { product(x, width: width, transposed: false) }

    /// `selfᵀ × y` for a row-major `y` (rows × width): a row-major columns × width matrix.
    func transposeTimes(_ y: [Double], width: Int) -> [Double] { product(y, width: width, transposed: true) }

    /// Both products walk the nonzeros column by column; they differ only in which side of each
    /// entry is read and which is written: A × X scatters row `column` of X into the entry's row,
    /// Aᵀ × Y gathers the entry's row of Y into row `column`.
    private func product(_ input: [Double], width: Int, transposed: Bool) -> [Double] {
        precondition(input.count == (transposed ? rows : columns) * width)
        var output = [Double](repeating: 0, count: (transposed ? columns : rows) * width)
        output.withUnsafeMutableBufferPointer { output in
            input.withUnsafeBufferPointer { input in
                for column in 0..<columns {
                    for entry in columnStarts[column]..<columnStarts[column + 1] {
                        let row = Int(rowIndices[entry])
                        let (read, written) = transposed ? (row, column) : (column, row)
                        let source = input.baseAddress! + read * width
                        let target = output.baseAddress! + written * width
                        let value = values[entry]
                        for j in 0..<width { target[j] += value * source[j] }
                    }
                }
            }
        }
        return output
    }
}

/// A truncated singular value decomposition by random projection (Halko, Martinsson and Tropp,
/// "Finding structure with randomness", 2011, algorithms 4.4 and 5.1).
///
/// Method: a Gaussian sketch Y = AΩ of l = k + oversampling columns, `powerIterations` rounds of
/// Y ← A(AᵀQ) with re-orthonormalization between products, then the small l × l problem
/// (AᵀQ)ᵀ(AᵀQ) = QᵀAAᵀQ solved by cyclic Jacobi; U = QW and σ = √λ.
struct RandomizedSVD {
    /// Left singular vectors, row-major rows × rank.
    var u: [Double]
    /// Singular values, largest first.
    var singularValues: [Double]
    var rank: Int

    init(_ matrix: SparseColumns, rank requested: Int, oversampling: Int, powerIterations: Int, seed: UInt64) {
        let rank = min(requested, matrix.rows, matrix.columns)
        let width = min(rank + oversampling, matrix.rows, matrix.columns)
        var random = SplitMix64(seed: seed)
        var omega = [Double](repeating: 0, count: matrix.columns * width)
        for index in omega.indices { omega[index] = Self.gaussian(&random) }
        var q = Self.orthonormalized(
            matrix.times(omega, width: width), rows: matrix.rows, width: width, random: &random)
        for _ in 0..<powerIterations {
            let z = Self.orthonormalized(
                matrix.transposeTimes(q, width: width), rows: matrix.columns, width: width, random: &random)
            q = Self.orthonormalized(matrix.times(z, width: width), rows: matrix.rows, width: width, random: &random)
        }
        let b = matrix.transposeTimes(q, width: width)  // Bᵀ, columns × width
        let gram = Self.gram(b, rows: matrix.columns, width: width)  // B Bᵀ
        let (eigenvalues, eigenvectors) = SymmetricEigen.decompose(gram, size: width)
        let order = eigenvalues.indices.sorted { eigenvalues[$0] > eigenvalues[$1] }.prefix(rank)
        var u = [Double](repeating: 0, count: matrix.rows * rank)
        u.withUnsafeMutableBufferPointer { u in
            q.withUnsafeBufferPointer { q in
                for (column, source) in order.enumerated() {
                    // Column `source` of W, gathered once.
                    let w = (0..<width).map { eigenvectors[$0 * width + source] }
                    for row in 0..<matrix.rows {
                        var sum = 0.0
                        let qRow = q.baseAddress! + row * width
                        for j in 0..<width { sum += qRow[j] * w[j] }
                        u[row * rank + column] = sum
                    }
                }
            }
        }
        self.u = u
        singularValues = order.map { max(eigenvalues[$0], 0).squareRoot() }
        self.rank = rank
    }

    /// The Gram matrix XᵀX of a row-major rows × width matrix.
    static func gram(_ x: [Double], rows: Int, width: Int) -> [Double] {
        var gram = [Double](repeating: 0, count: width * width)
        gram.withUnsafeMutableBufferPointer { g in
            x.withUnsafeBufferPointer { x in
                for row in 0..<rows {
                    let r = x.baseAddress! + row * width
                    for a in 0..<width where r[a] != 0 {
                        let value = r[a]
                        let target = g.baseAddress! + a * width
                        for b in a..<width { target[b] += value * r[b] }
                    }
                }
            }
        }
        for a in 0..<width { for b in 0..<a { gram[a * width + b] = gram[b * width + a] } }
        return gram
    }

    /// An orthonormal basis of the columns of the row-major rows × width matrix `y` (modified
    /// Gram–Schmidt, run twice; a column that vanishes is replaced by a random one).
    static func orthonormalized(_ y: [Double], rows: Int, width: Int, random: inout SplitMix64) -> [Double] {
        var columns = transpose(y, rows: rows, columns: width)
        columns.withUnsafeMutableBufferPointer { c in
            let base = c.baseAddress!
            for j in 0..<width {
                let column = base + j * rows
                // Remove the earlier columns' directions, twice ("twice is enough": one pass loses
                // orthogonality when the column was nearly in their span).
                func orthogonalize() {
                    for _ in 0..<2 {
                        for i in 0..<j {
                            let other = base + i * rows
                            let projection = dot(other, column, rows)
                            for t in 0..<rows { column[t] -= projection * other[t] }
                        }
                    }
                }
                let original = norm(column, rows)
                orthogonalize()
                var length = norm(column, rows)
                if length <= 1e-10 * max(original, 1e-300) {
                    // The sketch has fewer independent directions than columns: any orthogonal one will do.
                    for t in 0..<rows { column[t] = gaussian(&random) }
                    orthogonalize()
                    length = norm(column, rows)
                }
                let scale = length > 0 ? 1 / length : 0
                for t in 0..<rows { column[t] *= scale }
            }
        }
        return transpose(columns, rows: width, columns: rows)
    }

    static func transpose(_ x: [Double], rows: Int, columns: Int) -> [Double] {
        var result = [Double](repeating: 0, count: x.count)
        for row in 0..<rows { for column in 0..<columns { result[column * rows + row] = x[row * columns + column] } }
        return result
    }

    private static func dot(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        var sum = 0.0
        for t in 0..<n { sum += a[t] * b[t] }
        return sum
    }

    private static func norm(_ a: UnsafeMutablePointer<Double>, _ n: Int) -> Double { dot(a, a, n).squareRoot() }

    /// A standard normal sample (Box–Muller).
    static func gaussian(_ random: inout SplitMix64) -> Double {
        let u1 = max(random.nextUnit(), 0x1p-53)
        let u2 = random.nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// Eigenvalues and eigenvectors of a small symmetric matrix by the cyclic Jacobi method.
enum SymmetricEigen {
    /// - Returns: The eigenvalues (unordered) and the eigenvectors as the columns of a row-major
    ///   size × size matrix.
    static func decompose(_ matrix: [Double], size n: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<60 {
            var offDiagonal = 0.0
            for p in 0..<n { for q in (p + 1)..<max(n, p + 1) { offDiagonal += a[p * n + q] * a[p * n + q] } }
            if offDiagonal <= 1e-26 * max(total, 1e-300) { break }
            for p in 0..<n {
                for q in (p + 1)..<max(n, p + 1) {
                    let apq = a[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    // Rotate rows and columns p and q of A.
                    for k in 0..<n {
                        let akp = a[k * n + p]
                        let akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k]
                        let aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p]
                        let vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<n).map { a[$0 * n + $0] }, v)
    }
}
