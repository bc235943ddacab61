import Foundation
import Hummingbird
import Logging
import NIOCore
import SyncProtocol

/// A `Problem` becomes a JSON response with the catalogue's status.
extension Problem: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: code.httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(self, status: status)
    }
}

extension Response {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? WireJSON.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The central store's routes.
enum Routes {
    static func add(to router: Router<CentralRequestContext>, service: CentralService) {
        let maxBody = service.configuration.maxBodyBytes

        router.get("/v1/health") { _, _ in
            Response.json(["status": "ok", "role": service.isRelay ? "relay" : "central"])
        }

        router.post("/v1/enroll") { request, context in
            let body = try await collect(request, upTo: 64 * 1024)
            let enroll = try WireJSON.decodeStrict(EnrollRequest.self, from: body, fields: EnrollRequest.fields)
            return Response.json(try await service.enroll(enroll, address: context.clientAddress))
        }

        router.post("/v1/records") { request, _ in
            let body = try await collect(request, upTo: maxBody)
            let device = try await service.authenticate(method: "POST", path: "/v1/records",
                                                        device: header(request, RequestSignature.deviceHeader),
                                                        counter: header(request, RequestSignature.counterHeader),
                                                        signature: header(request, RequestSignature.signatureHeader),
                                                        body: body)
            let batch = try UploadBatch.decodeStrict(body)
            return Response.json(try await service.ingest(batch, from: device))
        }

        // The box's permanence pack, sealed for the team passphrase (built on request: always today's state).
        router.post("/v1/pack") { request, _ in
            let body = try await collect(request, upTo: 4096)
            let device = try await service.authenticate(method: "POST", path: "/v1/pack",
                                                        device: header(request, RequestSignature.deviceHeader),
                                                        counter: header(request, RequestSignature.counterHeader),
                                                        signature: header(request, RequestSignature.signatureHeader),
                                                        body: body)
            guard device.kind == "box" else { throw Problem(.revokedDevice, "only a box has a permanence pack") }
            guard !service.isRelay else { throw Problem(.upstreamUnavailable, "a relay holds no dossiers: connect to the central store for the pack") }
            let asked = try WireJSON.decodeStrict(PackRequest.self, from: body.isEmpty ? Data("{}".utf8) : body, fields: PackRequest.fields)
            return Response.json(try await service.buildPack(device: device.id, commune: asked.commune))
        }

        // The box's audit head, anchored here (a database restored from an older copy, or rewritten, shows).
        router.post("/v1/audit-head") { request, _ in
            let body = try await collect(request, upTo: 4096)
            let device = try await service.authenticate(method: "POST", path: "/v1/audit-head",
                                                        device: header(request, RequestSignature.deviceHeader),
                                                        counter: header(request, RequestSignature.counterHeader),
                                                        signature: header(request, RequestSignature.signatureHeader),
                                                        body: body)
            let asked = try WireJSON.decodeStrict(AuditHeadRequest.self, from: body, fields: AuditHeadRequest.fields)
            return Response.json(try await service.anchorAudit(asked, from: device))
        }

        router.get("/v1/devices/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            let path = "/v1/devices/\(id)"
            let asker = try await service.authenticate(method: "GET", path: path,
                                                       device: header(request, RequestSignature.deviceHeader),
                                                       counter: header(request, RequestSignature.counterHeader),
                                                       signature: header(request, RequestSignature.signatureHeader),
                                                       body: Data())
            return Response.json(try await service.deviceKey(id, askedBy: asker))
        }

        router.get("/v1/content/latest") { _, _ in
            if let relay = service.relay {
                do {
                    guard let signed = try await relay.client.latestContent() else { throw Problem(.notFound, "no content has been published") }
                    return Response.json(signed)
                } catch let problem as Problem {
                    throw problem
                } catch {
                    throw Problem(.upstreamUnavailable, "the upstream central store is not reachable")
                }
            }
            guard let latest = try await service.storage.latestContent() else { throw Problem(.notFound, "no content has been published") }
            return Response.json(latest.signed)
        }

        router.get("/v1/content/:version/files/**") { _, context in
            guard let version = context.parameters.get("version", as: Int.self) else { throw Problem(.notFound, "no such content version") }
            let path = context.parameters.getCatchAll().joined(separator: "/").removingPercentEncoding ?? ""
            let data: Data
            if let relay = service.relay {
                do {
                    data = try await relay.client.contentFile(version: version, path: path)
                } catch {
                    throw Problem(.upstreamUnavailable, "the upstream central store is not reachable")
                }
            } else {
                data = try await service.contentFile(version: version, path: path)
            }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    static func header(_ request: Request, _ name: String) -> String? {
        let wanted = name.lowercased()
        return request.headers.first { $0.name.canonicalName == wanted }?.value
    }

    /// The body, or `body-too-large` when it is over `limit`.
    static func collect(_ request: Request, upTo limit: Int) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem(.bodyTooLarge, "the body is \(length) bytes; at most \(limit) are accepted")
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem(.bodyTooLarge, "the body is larger than \(limit) bytes")
        }
    }
}
