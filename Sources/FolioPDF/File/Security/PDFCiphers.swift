internal import Crypto
internal import CryptoExtras

#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// RC4 (ARCFOUR), the stream cipher of the standard security handler's revisions 2 to 4. Encryption
/// and decryption are the same operation.
struct RC4 {
    private var state: [UInt8]
    private var i: UInt8 = 0
    private var j: UInt8 = 0

    init(key: some Collection<UInt8>) {
        state = (0...255).map { UInt8($0) }
        let key = Array(key)
        guard !key.isEmpty else { return }
        var j: UInt8 = 0
        for i in 0..<256 {
            j = j &+ state[i] &+ key[i % key.count]
            state.swapAt(i, Int(j))
        }
    }

    mutating func process(_ input: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        for byte in input {
            i = i &+ 1
            j = j &+ state[Int(i)]
            state.swapAt(Int(i), Int(j))
            output.append(byte ^ state[Int(state[Int(i)] &+ state[Int(j)])])
        }
        return output
    }

    static func process(_ input: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var cipher = RC4(key: key)
        return cipher.process(input)
    }
}

/// The hashes and AES modes the security handler uses, over swift-crypto, with byte arrays in and out.
enum PDFCrypto {
    static func md5(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = Insecure.MD5()
        hasher.update(data: Array(bytes))
        return Array(hasher.finalize())
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
    static func sha384(_ bytes: [UInt8]) -> [UInt8] { Array(SHA384.hash(data: bytes)) }
    static func sha512(_ bytes: [UInt8]) -> [UInt8] { Array(SHA512.hash(data: bytes)) }

    /// AES-CBC decryption without padding removal; nil when the key or IV has the wrong size.
    /// `ciphertext` must be a whole number of 16-byte blocks.
    static func aesCBCDecrypt(_ ciphertext: ArraySlice<UInt8>, key: [UInt8], iv: ArraySlice<UInt8>) -> [UInt8]? {
        guard !ciphertext.isEmpty else { return [] }
        do {
            let plaintext = try AES._CBC.decrypt(
                ciphertext, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv), noPadding: true)
            return Array(plaintext)
        } catch {
            return nil
        }
    }

    /// AES-CBC encryption without padding; `plaintext` must be a whole number of 16-byte blocks.
    static func aesCBCEncrypt(_ plaintext: [UInt8], key: ArraySlice<UInt8>, iv: ArraySlice<UInt8>) -> [UInt8]? {
        do {
            let ciphertext = try AES._CBC.encrypt(
                plaintext, using: SymmetricKey(data: Array(key)), iv: AES._CBC.IV(ivBytes: iv), noPadding: true)
            return Array(ciphertext)
        } catch {
            return nil
        }
    }

    /// A string or stream encrypted by the standard handler's AES modes: a 16-byte IV, then CBC
    /// blocks with PKCS#5 padding. Readers are lenient here and so is this: a tail short of a block
    /// is dropped and bad padding is left in place.
    static func aesDecryptWithIV(_ bytes: some Collection<UInt8>, key: [UInt8]) -> [UInt8] {
        let data = Array(bytes)
        guard data.count >= 32 else { return [] }  // an IV and at least one block
        let blocksEnd = 16 + (data.count - 16) / 16 * 16
        guard var plain = aesCBCDecrypt(data[16..<blocksEnd], key: key, iv: data[0..<16]) else { return [] }
        if let pad = plain.last, pad >= 1, pad <= 16, Int(pad) <= plain.count,
            plain[(plain.count - Int(pad))...].allSatisfy({ $0 == pad })
        {
            plain.removeLast(Int(pad))
        }
        return plain
    }
}
