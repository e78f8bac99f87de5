import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import PantauCore

/// A posted multipart form read as it streams in (multipart-kit's parser):
/// text fields in memory, bounded; evidence files straight to the evidence
/// store's `incoming/` directory, hashed on the way. Nothing of the body is
/// held whole, and reading stops at the first sign the form is not to be
/// taken: a first field that is not a valid CSRF token, a body over its
/// limit, a malformed part.
struct StreamedForm {
    var form = ParsedForm()
    /// Evidence files received (empty file inputs are left out).
    var files: [ReceivedEvidence] = []
    /// Evidence files beyond the allowed count, read and dropped.
    var droppedFiles = 0

    func discardFiles() {
        for file in files { file.discard() }
    }
}

enum FormStreamFailure: Error, Equatable {
    /// The first field was not the form's CSRF token, or the token was wrong.
    case forbidden
    /// The body, or one text field, is larger than allowed.
    case tooLarge
    case malformed
}

/// Limits for a streamed form.
struct FormStreamLimits {
    /// The whole body, files included.
    var totalBytes: Int
    /// Evidence files kept (more are read and dropped).
    var maximumFiles: Int
    /// One text field, and all text fields together.
    var fieldBytes = 64 * 1024
    var textBytes = 256 * 1024
}

/// Reads a multipart/form-data body. With `store`, parts named `evidence`
/// that carry a file stream to disk; without, file parts are skipped. With
/// `firstField`, the body's first part must be that field and its value
/// must satisfy the check, or reading stops there (`forbidden`).
func receiveMultipartForm(_ body: some AsyncSequence<ByteBuffer, any Error>, boundary: String, limits: FormStreamLimits,
                          store: EvidenceStore?, firstField: (name: String, check: (String) -> Bool)?) async throws(FormStreamFailure) -> StreamedForm {
    let assembler = FormAssembler(limits: limits, store: store, firstField: firstField)
    let parser = MultipartParser(boundary: boundary)
    parser.onHeader = { name, value in assembler.header(name, value) }
    parser.onBody = { buffer in assembler.body(&buffer) }
    parser.onPartComplete = { assembler.complete() }
    var received = 0
    do {
        for try await chunk in body {
            received += chunk.readableBytes
            if received > limits.totalBytes { assembler.fail(.tooLarge) }
            if assembler.failure == nil {
                do { try parser.execute(chunk) } catch { assembler.fail(.malformed) }
            }
            if let failure = assembler.failure { throw failure }
        }
    } catch let failure as FormStreamFailure {
        assembler.abandon()
        throw failure
    } catch {
        assembler.abandon()
        throw .malformed
    }
    // A body that ends inside a part, or holds none, is not a whole form.
    if assembler.partOpen || assembler.completedParts == 0 {
        assembler.abandon()
        throw firstField != nil && assembler.completedParts == 0 ? .forbidden : .malformed
    }
    return assembler.result
}

/// Collects the parts multipart-kit reports, one at a time.
private final class FormAssembler {
    enum Part {
        case text(name: String, bytes: [UInt8])
        case file(IncomingEvidence)
        case skipped
    }

    let limits: FormStreamLimits
    let store: EvidenceStore?
    let firstField: (name: String, check: (String) -> Bool)?
    var result = StreamedForm()
    var failure: FormStreamFailure?
    var completedParts = 0
    /// Headers of the part being read.
    private var headers: [(String, String)] = []
    private var current: Part?
    private var textBytes = 0

    init(limits: FormStreamLimits, store: EvidenceStore?, firstField: (name: String, check: (String) -> Bool)?) {
        self.limits = limits
        self.store = store
        self.firstField = firstField
    }

    var partOpen: Bool { current != nil || !headers.isEmpty }

    func fail(_ reason: FormStreamFailure) {
        if failure == nil { failure = reason }
    }

    func header(_ name: String, _ value: String) {
        headers.append((name, value))
    }

    func body(_ buffer: inout ByteBuffer) {
        if current == nil { begin() }
        guard failure == nil, let part = current else { return }
        switch part {
        case .text(let name, var bytes):
            bytes.append(contentsOf: buffer.readableBytesView)
            textBytes += buffer.readableBytes
            if bytes.count > limits.fieldBytes || textBytes > limits.textBytes { fail(.tooLarge) }
            current = .text(name: name, bytes: bytes)
        case .file(let writer):
            do { try writer.write(buffer.readableBytesView) } catch { fail(.malformed) }
        case .skipped:
            break
        }
        buffer.moveReaderIndex(to: buffer.writerIndex)
    }

    func complete() {
        if current == nil { begin() }
        defer {
            headers = []
            current = nil
            completedParts += 1
        }
        guard failure == nil, let part = current else { return }
        switch part {
        case .text(let name, let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else { return fail(.malformed) }
            if completedParts == 0, let firstField, !(name == firstField.name && firstField.check(text)) { return fail(.forbidden) }
            result.form.add(name, text)
        case .file(let writer):
            do {
                let received = try writer.finish()
                // An empty file input sends a part with no name and no bytes.
                if received.size == 0 && (received.filename ?? "").isEmpty { received.discard() } else { result.files.append(received) }
            } catch {
                fail(.malformed)
            }
        case .skipped:
            break
        }
    }

    /// Decides what the part is from its headers, at its first byte (or its
    /// end, for an empty part).
    private func begin() {
        let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
        guard let name = MultipartHeaders.parameter("name", in: disposition) else {
            fail(.malformed)
            current = .skipped
            return
        }
        if completedParts == 0, let firstField, name != firstField.name {
            fail(.forbidden)
            current = .skipped
            return
        }
        guard let filename = MultipartHeaders.parameter("filename", in: disposition) else {
            current = .text(name: name, bytes: [])
            return
        }
        guard name == "evidence", let store else {
            current = .skipped
            return
        }
        guard result.files.count < limits.maximumFiles else {
            result.droppedFiles += 1
            current = .skipped
            return
        }
        do {
            let writer = try IncomingEvidence(store: store)
            writer.filename = filename
            current = .file(writer)
        } catch {
            fail(.malformed)
            current = .skipped
        }
    }

    /// Removes every file written so far.
    func abandon() {
        if case .file(let writer) = current { writer.discard() }
        current = nil
        result.discardFiles()
        result.files = []
    }
}
