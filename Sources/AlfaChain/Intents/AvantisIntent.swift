import AlfaCore

/// Avantis v2's signed intents: every EIP-712 type the relayer and contracts take, with the
/// exact field names of the SDK's `intents_schema.py` (mirrored from the contracts'
/// `SignatureHelpers.sol`: `_`-prefixed and plain names are mixed on purpose; do not normalise).
/// Deadlines are unix milliseconds. `userIntent` is `abi.encode` of the message.
public enum AvantisIntent {
    typealias F = EIP712.Field

    static let trade = [
        F("trader", "address"), F("pairIndex", "uint256"), F("index", "uint256"), F("initialPosToken", "uint256"),
        F("positionSizeUSDC", "uint256"), F("openPrice", "uint256"), F("buy", "bool"), F("leverage", "uint256"),
        F("tp", "uint256"), F("sl", "uint256"), F("timestamp", "uint256"),
    ]
    static let updatePositionSize = [
        F("trader", "address"), F("pairIndex", "uint256"), F("index", "uint256"), F("openPrice", "uint256"),
        F("initialPosToken", "uint256"), F("leverage", "uint256"),
    ]

    /// Intent kind → its struct types (the primary one is named after the kind).
    public static let types: [String: EIP712.Types] = [
        "OpenTradeReq": ["OpenTradeReq": [F("_t", "Trade"), F("_type", "uint8"), F("_slippageP", "uint256"),
                                          F("_deadline", "uint256"), F("_nonce", "uint256")], "Trade": trade],
        "OpenTradeCoinExposureReq": ["OpenTradeCoinExposureReq": [
            F("_t", "Trade"), F("_type", "uint8"), F("_coinExposure", "uint256"), F("_minLeverage", "uint256"),
            F("_maxLeverage", "uint256"), F("_slippageP", "uint256"), F("_deadline", "uint256"), F("_nonce", "uint256")],
                                     "Trade": trade],
        "CloseTradeReq": ["CloseTradeReq": [
            F("_trader", "address"), F("_pairIndex", "uint256"), F("_index", "uint256"), F("_openTimestamp", "uint256"),
            F("_amount", "uint256"), F("_wantedPrice", "uint256"), F("_deadline", "uint256"), F("_nonce", "uint256")]],
        "CloseTradeCoinExposureReq": ["CloseTradeCoinExposureReq": [
            F("_trader", "address"), F("_pairIndex", "uint256"), F("_index", "uint256"), F("_openTimestamp", "uint256"),
            F("_coinExposure", "uint256"), F("_wantedPrice", "uint256"), F("_deadline", "uint256"), F("_nonce", "uint256")]],
        "IncreasePositionSizeReq": ["IncreasePositionSizeReq": [
            F("_updateInfo", "UpdatePositionSize"), F("_slippageP", "uint256"), F("_deadline", "uint256"), F("_nonce", "uint256")],
                                    "UpdatePositionSize": updatePositionSize],
        "IncreasePositionSizeWithCoinExposureReq": ["IncreasePositionSizeWithCoinExposureReq": [
            F("_updateInfo", "UpdatePositionSize"), F("_coinExposure", "uint256"), F("_minLeverage", "uint256"),
            F("_maxLeverage", "uint256"), F("_slippageP", "uint256"), F("_deadline", "uint256"), F("_nonce", "uint256")],
                                                    "UpdatePositionSize": updatePositionSize],
        // `trader` unprefixed, every other field prefixed: as the contracts have it.
        "UpdateTpSlReq": ["UpdateTpSlReq": [
            F("trader", "address"), F("_pairIndex", "uint256"), F("_index", "uint256"), F("_newTp", "uint256"),
            F("_newSl", "uint256"), F("_deadline", "uint256"), F("_nonce", "uint256")]],
        // No deadline: freshness comes from `signTimestamp` (ms).
        "TpSlReq": ["TpSlReq": [
            F("trader", "address"), F("pairIndex", "uint256"), F("index", "uint256"), F("triggerType", "uint8"),
            F("coinSize", "uint256"), F("buy", "bool"), F("price", "uint256"), F("percentage", "int256"),
            F("timestamp", "uint256"), F("signTimestamp", "uint256"), F("orderType", "uint8"), F("nonce", "uint256")]],
        "TwapOpenOrder": ["TwapOpenOrder": [
            F("trader", "address"), F("pairIndex", "uint256"), F("collateral", "uint256"), F("buy", "bool"), F("isCoin", "bool"),
            F("coinSize", "uint256"), F("defaultLeverage", "uint256"), F("maxLeverage", "uint256"), F("runTime", "uint256"),
            F("nonce", "uint256"), F("deadline", "uint256"), F("__reserved1", "uint256")]],
        "TwapCloseOrder": ["TwapCloseOrder": [
            F("trader", "address"), F("pairIndex", "uint256"), F("index", "uint256"), F("coinSizeToClose", "uint256"),
            F("runTime", "uint256"), F("nonce", "uint256"), F("deadline", "uint256"), F("__reserved1", "uint256")]],
        "TwapCancelReq": ["TwapCancelReq": [F("trader", "address"), F("twapId", "uint256"), F("nonce", "uint256"), F("deadline", "uint256")]],
        // Off-chain only (the backend recovers the signer). The golden vectors (SDK commit fc8ae8a) name
        // the field `entityId`; a later intents_schema.py says `documentId`: the vectors are what was signed.
        "CancelOffchainOrder": ["CancelOffchainOrder": [F("entityId", "string")]],
        "RfqOpenOrder": ["RfqOpenOrder": [
            F("trader", "address"), F("pairIndex", "uint256"), F("collateral", "uint256"), F("buy", "bool"), F("isCoin", "bool"),
            F("coinSize", "uint256"), F("defaultLeverage", "uint256"), F("maxLeverage", "uint256"), F("wantedPrice", "uint256"),
            F("maxSlippageP", "uint256"), F("nonce", "uint256"), F("deadline", "uint256")]],
        "RfqCloseOrder": ["RfqCloseOrder": [
            F("trader", "address"), F("pairIndex", "uint256"), F("index", "uint256"), F("coinSizeToClose", "uint256"),
            F("wantedPrice", "uint256"), F("maxSlippageP", "uint256"), F("nonce", "uint256"), F("deadline", "uint256")]],
        // Typed data follows the typehash order (expiry, deadline, tnc); abi.encode the struct's (expiry, tnc, deadline).
        "DelegateReq": ["DelegateReq": [
            F("trader", "address"), F("delegate", "address"), F("expiry", "uint256"), F("deadline", "uint256"),
            F("tnc", "string"), F("nonce", "uint256")]],
        "RegisterCodeReq": ["RegisterCodeReq": [F("_code", "bytes32"), F("_referrer", "address"), F("_deadline", "uint256"),
                                                F("_nonce", "uint256")]],
        "SetTraderReferralCodeByUserReq": ["SetTraderReferralCodeByUserReq": [
            F("_code", "bytes32"), F("_referee", "address"), F("_deadline", "uint256"), F("_nonce", "uint256")]],
    ]

    /// Where the Solidity struct orders its fields unlike the typehash.
    static let abiOrder: [String: [String]] = [
        "DelegateReq": ["trader", "delegate", "expiry", "tnc", "deadline", "nonce"],
    ]

    public static var kinds: [String] { types.keys.sorted() }

    /// The terms a `DelegateReq` carries in its `tnc` slot, exactly.
    public static let termsOfService = "I accept the Avantis Terms of Service: https://www.avantisfi.com/docs/tos."
        + "I confirm that I am not a resident of any of the following countries/regions: "
        + "Belarus, Cuba, Iran, North Korea, Russia, Syria, Crimea, United Kingdom, United States of America."

    /// The trading domain: `("AvantisTrading", "1", chainId, TradingRouter)`.
    public static func domainSeparator(chainID: UInt64, tradingRouter: EVMAddress) -> Hash32 {
        EIP712.domainSeparator(name: "AvantisTrading", version: "1", chainID: chainID, verifyingContract: tradingRouter)
    }

    /// What `alfa intent digest` prints, and what signing needs.
    public struct Hashed: Sendable, Equatable {
        public let structHash: Hash32
        public let digest: Hash32
    }

    public static func hash(kind: String, message: TypedValue, domainSeparator: Hash32) throws(EIP712.Failure) -> Hashed {
        guard let types = types[kind] else {
            throw EIP712.Failure(description: "\(kind) is not an intent kind (\(kinds.joined(separator: ", ")))")
        }
        let structHash = try EIP712.hashStruct(kind, message, types)
        return Hashed(structHash: structHash, digest: EIP712.digest(domainSeparator: domainSeparator, structHash: structHash))
    }

    /// `abi.encode(message)`: what the relayer takes as `userIntent`.
    public static func userIntent(kind: String, message: TypedValue) throws(EIP712.Failure) -> [UInt8] {
        guard let types = types[kind] else { throw EIP712.Failure(description: "\(kind) is not an intent kind") }
        let (encoded, dynamic) = try encodeTuple(kind, message, types, path: "")
        // A struct with a dynamic member is itself dynamic: abi.encode leads with its offset.
        return dynamic ? Word256.of(32) + encoded : encoded
    }

    /// A struct's ABI tuple encoding (head, then tail), and whether it is dynamic.
    private static func encodeTuple(_ name: String, _ value: TypedValue, _ types: EIP712.Types,
                                    path: String) throws(EIP712.Failure) -> ([UInt8], Bool) {
        guard case .object(let members) = value, let declared = types[name] else {
            throw EIP712.Failure(description: "\(path.isEmpty ? name : path) is not a \(name) object")
        }
        let order = abiOrder[name].map { names in names.compactMap { n in declared.first { $0.name == n } } } ?? declared
        var heads: [[UInt8]] = []
        var tails: [[UInt8]?] = []
        for field in order {
            let here = path.isEmpty ? field.name : path + "." + field.name
            guard let member = members[field.name] else { throw EIP712.Failure(description: "\(here) is missing") }
            if types[field.type] != nil {
                let (nested, dynamic) = try encodeTuple(field.type, member, types, path: here)
                if dynamic { heads.append([]); tails.append(nested) } else { heads.append(nested); tails.append(nil) }
            } else if field.type == "string" || field.type == "bytes" {
                let bytes: [UInt8]
                if field.type == "string", case .string(let text) = member { bytes = Array(text.utf8) }
                else if let text = member.text, text.hasPrefix("0x"), let decoded = Hex.decode(text.dropFirst(2)) { bytes = decoded }
                else { throw EIP712.Failure(description: "\(here) is not a \(field.type)") }
                let padded = bytes + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
                heads.append([])
                tails.append(Word256.of(UInt64(bytes.count)) + padded)
            } else {
                heads.append(try ABIWord.encode(member, type: field.type, path: here))
                tails.append(nil)
            }
        }
        let headSize = zip(heads, tails).reduce(0) { $0 + ($1.1 == nil ? $1.0.count : 32) }
        var out: [UInt8] = []
        var tail: [UInt8] = []
        for (head, dynamicPart) in zip(heads, tails) {
            if let dynamicPart {
                out += Word256.of(UInt64(headSize + tail.count))
                tail += dynamicPart
            } else {
                out += head
            }
        }
        return (out + tail, tails.contains { $0 != nil })
    }
}

extension RecoverableSignature {
    /// The 65 bytes an EIP-712 signature travels as: r ‖ s ‖ v, with v = 27 or 28.
    public var intentSignature: [UInt8] { r + s + [UInt8(27 + recoveryID)] }

    /// The signature of `intentSignature`'s bytes, if they are one (v 27 or 28).
    public init?(intentSignature bytes: [UInt8]) {
        guard bytes.count == 65, bytes[64] == 27 || bytes[64] == 28 else { return nil }
        self.init(r: Array(bytes[0..<32]), s: Array(bytes[32..<64]), recoveryID: Int32(bytes[64]) - 27)
    }
}
