import AlfaCore

/// A type-2 (EIP-1559) transaction: what the LIVE executor signs and sends.
public struct EIP1559Transaction: Sendable, Equatable {
    public var chainID: Int64
    public var nonce: Int64
    /// Wei.
    public var maxPriorityFeePerGas: UInt64
    /// Wei; the executor caps it at `COPY_MAX_GAS_GWEI`.
    public var maxFeePerGas: UInt64
    public var gasLimit: UInt64
    public var to: EVMAddress
    /// Wei sent along (Avantis takes its execution fee this way).
    public var value: UInt64
    public var data: [UInt8]

    public init(chainID: Int64, nonce: Int64, maxPriorityFeePerGas: UInt64, maxFeePerGas: UInt64, gasLimit: UInt64,
                to: EVMAddress, value: UInt64 = 0, data: [UInt8]) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
    }

    private var fields: [RLP] {
        [.uint(UInt64(chainID)), .uint(UInt64(nonce)), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gasLimit),
         .bytes(to.bytes), .uint(value), .bytes(data), .list([])]
    }

    /// keccak256(0x02 ‖ rlp([chainId, nonce, tip, maxFee, gas, to, value, data, accessList])): what is signed.
    public var signingHash: Hash32 {
        Hash32(bytes: Keccak256.hash([0x02] + RLP.list(fields).encoded))!
    }

    /// The bytes for `eth_sendRawTransaction`, with the signature appended to the fields.
    public func serialized(with signature: RecoverableSignature) -> [UInt8] {
        [0x02] + RLP.list(fields + [.uint(UInt64(signature.recoveryID)), .quantity(signature.r), .quantity(signature.s)]).encoded
    }
}

/// An ECDSA signature with the recovery id Ethereum calls `yParity` (0 or 1); s is low.
public struct RecoverableSignature: Sendable, Equatable {
    public var r: [UInt8]
    public var s: [UInt8]
    public var recoveryID: Int32
}

/// A transaction ready to send: the bytes and their hash (the transaction hash the node will report).
public struct SignedTransaction: Sendable, Equatable {
    public var raw: [UInt8]
    public var hash: Hash32

    public init(raw: [UInt8]) {
        self.raw = raw
        self.hash = Hash32(bytes: Keccak256.hash(raw))!
    }
}
