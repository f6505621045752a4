@testable import AlfaChain
import AlfaCore
import Foundation
import Testing

/// Avantis v2 intents against the SDK's golden vectors (Fixtures/avantis-v2-vectors, with source).
@Suite("Avantis v2 intents: EIP-712 digests and userIntent encodings")
struct IntentTests {
    struct Vectors: Decodable {
        struct Domain: Decodable { let name: String; let version: String; let chainId: UInt64; let verifyingContract: String }
        struct Vector: Decodable { let kind: String; let message: TypedValue; let structHash: String; let digest: String }
        let domain: Domain
        let domainSeparator: String
        let vectors: [Vector]
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/avantis-v2-vectors")
    static let vectors = try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: folder.appendingPathComponent("vectors.json")))
    static let encodings = try! JSONDecoder().decode([String: String].self,
                                                      from: Data(contentsOf: folder.appendingPathComponent("intent_encoding_reference.json")))
    static var separator: Hash32 {
        AvantisIntent.domainSeparator(chainID: vectors.domain.chainId, tradingRouter: EVMAddress(hex: vectors.domain.verifyingContract)!)
    }

    @Test func theDomainSeparatorIsTheOnChainOne() {
        #expect(Self.vectors.domain.name == "AvantisTrading" && Self.vectors.domain.version == "1")
        #expect(Self.separator == Hash32(hex: Self.vectors.domainSeparator))
    }

    @Test func everyKindsDigestIsTheOnChainLibrarysDigest() throws {
        #expect(Self.vectors.vectors.count == 17)
        #expect(Set(Self.vectors.vectors.map(\.kind)) == Set(AvantisIntent.kinds))
        for vector in Self.vectors.vectors {
            let hashed = try AvantisIntent.hash(kind: vector.kind, message: vector.message, domainSeparator: Self.separator)
            #expect(hashed.structHash == Hash32(hex: vector.structHash), "\(vector.kind) struct hash")
            #expect(hashed.digest == Hash32(hex: vector.digest), "\(vector.kind) digest")
        }
    }

    @Test func aDelegationCarriesTheTermsExactly() throws {
        let delegate = try #require(Self.vectors.vectors.first { $0.kind == "DelegateReq" })
        guard case .object(let fields) = delegate.message, case .string(let terms)? = fields["tnc"] else {
            Issue.record("no tnc"); return
        }
        #expect(terms == AvantisIntent.termsOfService)
    }

    @Test func userIntentIsTheABIEncodingOfTheMessage() throws {
        #expect(Self.encodings.keys.sorted() == ["CloseTradeReq", "DelegateReq", "OpenTradeReq", "TpSlReq"])
        for (kind, expected) in Self.encodings {
            let message = try #require(Self.vectors.vectors.first { $0.kind == kind }?.message)
            let encoded = try AvantisIntent.userIntent(kind: kind, message: message)
            #expect("0x" + Hex.encode(encoded) == expected.lowercased(), "\(kind)")
        }
    }

    @Test func signaturesAre65BytesWithV27Or28AndRecoverTheSigner() throws {
        let key = try WalletKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
        for vector in Self.vectors.vectors.prefix(4) {
            let digest = try AvantisIntent.hash(kind: vector.kind, message: vector.message, domainSeparator: Self.separator).digest
            let signature = key.sign(digest: digest).intentSignature
            #expect(signature.count == 65 && (signature[64] == 27 || signature[64] == 28))
            // Low s: below half the curve order.
            #expect(signature[32] < 0x80)
            let parsed = try #require(RecoverableSignature(intentSignature: signature))
            #expect(WalletKey.recoverSigner(digest: digest, signature: parsed) == key.address)
        }
        #expect(RecoverableSignature(intentSignature: [UInt8](repeating: 1, count: 65)) == nil)
    }

    @Test func aMessageThatDoesNotFitItsTypesNamesTheField() {
        let cases: [(String, TypedValue, String)] = [
            ("CloseTradeReq", .object([:]), "_trader is missing"),
            ("Nope", .object([:]), "Nope is not an intent kind"),
            ("UpdateTpSlReq", .object(["trader": .string("0x12"), "_pairIndex": .number("1"), "_index": .number("0"), "_newTp": .number("1"),
                                       "_newSl": .number("0"), "_deadline": .number("1"), "_nonce": .number("1")]), "trader is not an address"),
            ("TwapCancelReq", .object(["trader": .string("0x1111111111111111111111111111111111111111"), "twapId": .string("-1"),
                                       "nonce": .number("1"), "deadline": .number("1")]), "twapId is not a uint256"),
        ]
        for (kind, message, reason) in cases {
            #expect(throws: EIP712.Failure.self) { try AvantisIntent.hash(kind: kind, message: message, domainSeparator: .zero) }
            do { _ = try AvantisIntent.hash(kind: kind, message: message, domainSeparator: .zero) } catch {
                #expect(error.description.contains(reason), "\(error)")
            }
        }
    }

    @Test(arguments: [
        ("0", 256, "0"), ("1", 8, "1"), ("255", 8, "ff"), ("256", 8, nil), ("0x10", 256, "10"),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639935", 256, String(repeating: "f", count: 64)),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639936", 256, nil), ("1.5", 256, nil), ("", 256, nil),
    ] as [(String, Int, String?)])
    func unsignedWordsParseDecimalAndHex(text: String, bits: Int, hex: String?) {
        let word = Word256.unsigned(text, bits: bits)
        #expect(word.map { String(Hex.encode($0).drop { $0 == "0" }) } == hex.map { String($0.drop { $0 == "0" }) })
    }

    @Test func signedWordsAreTwosComplement() {
        #expect(Word256.signed("-1", bits: 256) == [UInt8](repeating: 0xff, count: 32))
        #expect(Word256.signed("-128", bits: 8) == [UInt8](repeating: 0xff, count: 31) + [0x80])
        #expect(Word256.signed("-129", bits: 8) == nil)
        #expect(Word256.signed("127", bits: 8) == [UInt8](repeating: 0, count: 31) + [0x7f])
        #expect(Word256.signed("128", bits: 8) == nil)
        #expect(Word256.signed("-0", bits: 256) == [UInt8](repeating: 0, count: 32))
    }
}
