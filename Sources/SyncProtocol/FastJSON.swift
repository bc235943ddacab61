import Foundation

/// Hand-written JSON for the one hot type, the envelope: the box writes one per closed visit and the central
/// store reads thousands per second. The output is what `WireJSON.encode` gives (sorted keys, slashes
/// unescaped); the input checks are those of `WireJSON.decodeStrict` (unknown, missing, mistyped fields).
extension Envelope {
    /// The envelope as compact JSON, keys sorted.
    public func jsonData() -> Data {
        var out = [UInt8]()
        out.reserveCapacity(ciphertext.utf8.count + encapsulatedKey.utf8.count + signature.utf8.count + 220)
        func key(_ name: String, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: "\":".utf8)
        }
        func string(_ value: String) {
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                case 0x08: out.append(contentsOf: "\\b".utf8)
                case 0x0C: out.append(contentsOf: "\\f".utf8)
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "{"))
        key("ciphertext", first: true); string(ciphertext)
        key("createdAt"); string(createdAt)
        key("device"); string(device)
        key("encapsulatedKey"); string(encapsulatedKey)
        key("id"); string(id)
        key("kind"); string(kind)
        key("schema"); out.append(contentsOf: String(schema).utf8)
        key("sequence"); out.append(contentsOf: String(sequence).utf8)
        key("signature"); string(signature)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    /// An envelope from an already parsed JSON object; problems name the field and the envelope's place.
    public init(jsonObject: Any, at place: String) throws {
        guard let object = jsonObject as? [String: Any] else { throw Problem(.malformedJSON, "\(place) must be an object") }
        if let unknown = Set(object.keys).subtracting(Envelope.fields).sorted().first {
            throw Problem(.unknownField, "unknown field '\(unknown)' in \(place)")
        }
        func text(_ name: String) throws -> String {
            guard let value = object[name] else { throw Problem(.malformedJSON, "missing field '\(place).\(name)'") }
            guard let string = value as? String else { throw Problem(.malformedJSON, "field '\(place).\(name)' has the wrong type") }
            return string
        }
        func integer(_ name: String) throws -> Int64 {
            guard let value = object[name] else { throw Problem(.malformedJSON, "missing field '\(place).\(name)'") }
            // JSON booleans arrive as NSNumber too (and `1 is Bool` holds): tell them apart by their class.
            guard let number = value as? NSNumber, !String(describing: type(of: value)).contains("Boolean"),
                  number.doubleValue == number.doubleValue.rounded() else {
                throw Problem(.malformedJSON, "field '\(place).\(name)' has the wrong type")
            }
            return number.int64Value
        }
        self.init(id: try text("id"), device: try text("device"), kind: try text("kind"), schema: Int(try integer("schema")),
                  sequence: try integer("sequence"), createdAt: try text("createdAt"), encapsulatedKey: try text("encapsulatedKey"),
                  ciphertext: try text("ciphertext"), signature: try text("signature"))
    }
}

extension UploadBatch {
    /// Decodes an upload body strictly, parsing it once.
    public static func decodeStrict(_ data: Data) throws -> UploadBatch {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Problem(.malformedJSON, "the body is not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else { throw Problem(.malformedJSON, "the body must be a JSON object") }
        if let unknown = Set(dictionary.keys).subtracting(fields).sorted().first { throw Problem(.unknownField, "unknown field '\(unknown)'") }
        guard let list = dictionary["envelopes"] else { throw Problem(.malformedJSON, "missing field 'envelopes'") }
        guard let items = list as? [Any] else { throw Problem(.malformedJSON, "field 'envelopes' has the wrong type") }
        return UploadBatch(envelopes: try items.enumerated().map { try Envelope(jsonObject: $0.element, at: "envelopes[\($0.offset)]") })
    }

    /// The upload body made of envelopes already encoded (the box's stored payloads): no decoding, no re-encoding.
    public static func encode(encodedEnvelopes: [Data]) -> Data {
        var body = Data("{\"envelopes\":[".utf8)
        for (index, envelope) in encodedEnvelopes.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(envelope)
        }
        body.append(contentsOf: "]}".utf8)
        return body
    }
}
