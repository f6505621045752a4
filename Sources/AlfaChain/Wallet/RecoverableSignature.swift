/// An ECDSA signature with the recovery id Ethereum calls `yParity` (0 or 1); s is low.
public struct RecoverableSignature: Sendable, Equatable {
    public var r: [UInt8]
    public var s: [UInt8]
    public var recoveryID: Int32
}
