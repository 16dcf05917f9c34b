/// The standard security handler (ISO 32000-1, 7.6.3–7.6.4; ISO 32000-2, 7.6.4.3.3–4 for revision 6)
/// for files whose user password is empty: what most "protected" PDFs are (they restrict printing or
/// copying, and open without a password).
///
/// Revisions 2–4 derive an RC4 or AES-128 file key with MD5 (algorithm 2) and a per-object key from it
/// (algorithm 1); revisions 5 and 6 unwrap an AES-256 file key from `/UE` with SHA-256 (R5) or the
/// hash of algorithm 2.B (R6), and use it for every object.
struct PDFSecurityHandler {
    /// How strings or streams of one kind are encrypted.
    enum Method: Equatable {
        case identity, rc4, aesV2, aesV3
    }

    let revision: Int
    let fileKey: [UInt8]
    let stringMethod: Method
    let streamMethod: Method
    /// Named crypt filters (`/CF`), for streams that pick one with a `/Crypt` filter.
    let cryptFilters: [PDFName: Method]
    /// `/EncryptMetadata`: when false, metadata streams are stored in clear.
    let encryptMetadata: Bool

    /// The 32 bytes that pad passwords (algorithm 2, step a).
    static let padding: [UInt8] = [
        0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
        0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
    ]

    /// Sets up decryption with the empty user password.
    ///
    /// - Parameters:
    ///   - dictionary: The `/Encrypt` dictionary, its values resolved.
    ///   - documentID: The first string of the trailer's `/ID` (empty when absent).
    /// - Throws: ``PDFError/Code/encrypted`` when the user password is not empty;
    ///   ``PDFError/Code/unsupported`` for another security handler or an unknown version or revision;
    ///   ``PDFError/Code/malformed`` for a dictionary missing what its revision needs.
    init(dictionary: PDFDictionary, documentID: [UInt8]) throws(PDFError) {
        let filter = dictionary["Filter"]?.name?.string ?? "Standard"
        guard filter == "Standard" else {
            throw PDFError(
                .unsupported, "the file is encrypted with the /\(filter) security handler, not the standard one")
        }
        let version = dictionary["V"]?.integer ?? 0
        let revision = dictionary["R"]?.integer ?? 0
        self.revision = revision
        encryptMetadata = dictionary["EncryptMetadata"].map { $0 != .bool(false) } ?? true
        guard let owner = dictionary["O"]?.string, let user = dictionary["U"]?.string else {
            throw PDFError(.malformed, "the /Encrypt dictionary has no /O or /U string")
        }
        let permissions = UInt32(truncatingIfNeeded: dictionary["P"]?.integer ?? 0)

        switch version {
        case 1, 2:
            let length = version == 1 ? 40 : dictionary["Length"]?.integer ?? 40
            fileKey = try Self.legacyFileKey(
                owner: owner, user: user, permissions: permissions, documentID: documentID,
                revision: revision, keyBytes: Self.keyBytes(length), encryptMetadata: true)
            (stringMethod, streamMethod, cryptFilters) = (.rc4, .rc4, [:])
        case 4:
            var filters: [PDFName: Method] = [:]
            var lengthBits = dictionary["Length"]?.integer ?? 128
            if case .dictionary(let cf) = dictionary["CF"] {
                for (name, value) in cf.entries {
                    guard let entry = value.dictionary else { continue }
                    switch entry["CFM"]?.name?.string ?? "None" {
                    case "V2":
                        filters[name] = .rc4
                        if let length = entry["Length"]?.integer { lengthBits = length <= 32 ? length * 8 : length }
                    case "AESV2": filters[name] = .aesV2
                    case "None": filters[name] = .identity
                    case let other:
                        throw PDFError(.unsupported, "the crypt filter method /\(other) is not supported")
                    }
                }
            }
            filters["Identity"] = .identity
            func method(_ key: PDFName) throws(PDFError) -> Method {
                let name = dictionary[key]?.name ?? "Identity"
                guard let method = filters[name] else {
                    throw PDFError(.malformed, "the crypt filter /\(name.string) named by /\(key.string) is not in /CF")
                }
                return method
            }
            (stringMethod, streamMethod, cryptFilters) = (try method("StrF"), try method("StmF"), filters)
            let usesAES = stringMethod == .aesV2 || streamMethod == .aesV2
            fileKey = try Self.legacyFileKey(
                owner: owner, user: user, permissions: permissions, documentID: documentID, revision: revision,
                keyBytes: usesAES ? 16 : Self.keyBytes(lengthBits), encryptMetadata: encryptMetadata)
        case 5:
            guard let userKey = dictionary["UE"]?.string else {
                throw PDFError(.malformed, "the AES-256 /Encrypt dictionary has no /UE string")
            }
            fileKey = try Self.aes256FileKey(user: user, userKey: userKey, revision: revision)
            var filters: [PDFName: Method] = ["Identity": .identity]
            if case .dictionary(let cf) = dictionary["CF"] {
                for (name, value) in cf.entries {
                    switch value.dictionary?["CFM"]?.name?.string ?? "None" {
                    case "AESV3": filters[name] = .aesV3
                    case "None": filters[name] = .identity
                    case let other:
                        throw PDFError(.unsupported, "the crypt filter method /\(other) is not supported with V5")
                    }
                }
            }
            let strings = filters[dictionary["StrF"]?.name ?? "Identity"] ?? .aesV3
            let streams = filters[dictionary["StmF"]?.name ?? "Identity"] ?? .aesV3
            (stringMethod, streamMethod, cryptFilters) = (strings, streams, filters)
        default:
            throw PDFError(.unsupported, "the standard security handler version \(version) is not supported")
        }
    }

    private static func keyBytes(_ lengthBits: Int) -> Int {
        min(max(lengthBits / 8, 5), 16)
    }

    // MARK: Revisions 2–4

    /// Algorithm 2 with the empty password, checked against `/U` by algorithm 4 (R2) or 5 (R3, R4).
    private static func legacyFileKey(
        owner: [UInt8], user: [UInt8], permissions: UInt32, documentID: [UInt8], revision: Int, keyBytes: Int,
        encryptMetadata: Bool
    ) throws(PDFError) -> [UInt8] {
        guard (2...4).contains(revision) else {
            throw PDFError(.unsupported, "the standard security handler revision \(revision) is not supported")
        }
        var input = padding
        input += owner.prefix(32)
        input += [
            UInt8(truncatingIfNeeded: permissions), UInt8(truncatingIfNeeded: permissions >> 8),
            UInt8(truncatingIfNeeded: permissions >> 16), UInt8(truncatingIfNeeded: permissions >> 24),
        ]
        input += documentID
        if revision >= 4 && !encryptMetadata { input += [0xFF, 0xFF, 0xFF, 0xFF] }
        let length = revision == 2 ? 5 : keyBytes
        var key = PDFCrypto.md5(input)
        if revision >= 3 {
            for _ in 0..<50 { key = PDFCrypto.md5(key.prefix(length)) }
        }
        key = Array(key.prefix(length))

        let matches: Bool
        if revision == 2 {
            matches = RC4.process(padding, key: key) == Array(user.prefix(32))
        } else {
            var check = RC4.process(PDFCrypto.md5(padding + documentID), key: key)
            for round in 1...19 { check = RC4.process(check, key: key.map { $0 ^ UInt8(round) }) }
            matches = check == Array(user.prefix(16))
        }
        guard matches else { throw passwordRequired }
        return key
    }

    private static var passwordRequired: PDFError {
        PDFError(
            .encrypted,
            "the file is encrypted with a user password; Folio opens only files whose user password is empty")
    }

    // MARK: Revisions 5 and 6

    /// The AES-256 file key: `/U` holds a 32-byte hash, an 8-byte validation salt and an 8-byte key
    /// salt; the key is `/UE` decrypted with the hash of the key salt (AES-256, zero IV, no padding).
    private static func aes256FileKey(user: [UInt8], userKey: [UInt8], revision: Int) throws(PDFError) -> [UInt8] {
        guard revision == 5 || revision == 6 else {
            throw PDFError(.unsupported, "the standard security handler revision \(revision) is not supported")
        }
        guard user.count >= 48, userKey.count >= 32 else {
            throw PDFError(.malformed, "the AES-256 /U or /UE string is too short")
        }
        let validationSalt = Array(user[32..<40])
        let keySalt = Array(user[40..<48])
        let hash = revision == 6 ? hash2B(password: [], salt: validationSalt) : PDFCrypto.sha256(validationSalt)
        guard hash == Array(user[0..<32]) else { throw passwordRequired }
        let intermediate = revision == 6 ? hash2B(password: [], salt: keySalt) : PDFCrypto.sha256(keySalt)
        let zeroIV = [UInt8](repeating: 0, count: 16)
        guard let key = PDFCrypto.aesCBCDecrypt(userKey[0..<32], key: intermediate, iv: zeroIV[...]) else {
            throw PDFError(.malformed, "the AES-256 file key could not be unwrapped from /UE")
        }
        return key
    }

    /// Algorithm 2.B (ISO 32000-2, 7.6.4.3.4) for the user password (no `/U` data mixed in): SHA-256,
    /// then at least 64 rounds of AES-128-CBC over 64 copies of password and key, each round's hash
    /// (SHA-256, -384 or -512) chosen by the encrypted bytes modulo 3.
    static func hash2B(password: [UInt8], salt: [UInt8]) -> [UInt8] {
        var key = PDFCrypto.sha256(password + salt)
        var round = 0
        while true {
            let block = password + key
            var repeated: [UInt8] = []
            repeated.reserveCapacity(block.count * 64)
            for _ in 0..<64 { repeated += block }
            guard let encrypted = PDFCrypto.aesCBCEncrypt(repeated, key: key[0..<16], iv: key[16..<32]) else {
                return []
            }
            // The first 16 bytes as a big-endian number, modulo 3, is the sum of the bytes modulo 3.
            let selector = encrypted.prefix(16).reduce(0) { $0 + Int($1) } % 3
            switch selector {
            case 0: key = PDFCrypto.sha256(encrypted)
            case 1: key = PDFCrypto.sha384(encrypted)
            default: key = PDFCrypto.sha512(encrypted)
            }
            round += 1
            if round >= 64, let last = encrypted.last, Int(last) <= round - 32 { break }
        }
        return Array(key.prefix(32))
    }

    // MARK: Decryption

    /// Algorithm 1: the key for one object (RC4 and AES-128); the file key itself for AES-256.
    func objectKey(_ reference: PDFReference, method: Method) -> [UInt8] {
        if method == .aesV3 { return fileKey }
        var input = fileKey
        input += [
            UInt8(truncatingIfNeeded: reference.number), UInt8(truncatingIfNeeded: reference.number >> 8),
            UInt8(truncatingIfNeeded: reference.number >> 16),
            UInt8(truncatingIfNeeded: reference.generation), UInt8(truncatingIfNeeded: reference.generation >> 8),
        ]
        if method == .aesV2 { input += [0x73, 0x41, 0x6C, 0x54] }  // "sAlT"
        return Array(PDFCrypto.md5(input).prefix(min(fileKey.count + 5, 16)))
    }

    /// `bytes` of object `reference`, decrypted with `method`.
    func decrypt(_ bytes: some Collection<UInt8>, _ reference: PDFReference, method: Method) -> [UInt8] {
        switch method {
        case .identity: return Array(bytes)
        case .rc4: return RC4.process(bytes, key: objectKey(reference, method: .rc4))
        case .aesV2, .aesV3: return PDFCrypto.aesDecryptWithIV(bytes, key: objectKey(reference, method: method))
        }
    }

    /// The string decryption for object `reference`, as the parser applies it; nil when strings are
    /// stored in clear.
    func stringTransform(for reference: PDFReference) -> (([UInt8]) -> [UInt8])? {
        guard stringMethod != .identity else { return nil }
        let method = stringMethod
        let key = objectKey(reference, method: method)
        switch method {
        case .rc4: return { RC4.process($0, key: key) }
        default: return { PDFCrypto.aesDecryptWithIV($0, key: key) }
        }
    }
}
