import CLibUSB
import Foundation

/// A USB problem in words a mediator understands.
public struct USBError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case notFound, busy, permission, noEndpoint, io, unavailable }
    public var code: Code
    public var message: String
    public var description: String { message }

    /// Maps a libusb error code to what the mediator should do.
    public static func from(_ status: Int32, device: String) -> USBError {
        switch status {
        case LIBUSB_ERROR_NO_DEVICE.rawValue, LIBUSB_ERROR_NOT_FOUND.rawValue:
            return USBError(code: .notFound, message: "Imprimante de tickets introuvable (\(device)) : vérifiez le câble USB et qu'elle est allumée.")
        case LIBUSB_ERROR_BUSY.rawValue:
            return USBError(code: .busy, message: "L'imprimante de tickets est utilisée par un autre programme (\(device)) : redémarrez le kiosque.")
        case LIBUSB_ERROR_ACCESS.rawValue:
            return USBError(code: .permission, message: "Le kiosque n'a pas le droit d'utiliser l'imprimante de tickets (\(device)) : la règle udev manque (voir Provisioning).")
        case LIBUSB_ERROR_TIMEOUT.rawValue:
            return USBError(code: .io, message: "L'imprimante de tickets ne répond pas (\(device)) : vérifiez le papier et le capot.")
        default:
            let name = libusb_error_name(status).map { String(cString: $0) } ?? "\(status)"
            return USBError(code: .io, message: "Erreur USB avec l'imprimante de tickets (\(device)) : \(name).")
        }
    }
}

/// A device on the USB bus.
public struct USBDevice: Sendable, Equatable {
    public var bus: Int
    public var address: Int
    public var vendorID: UInt16
    public var productID: UInt16
    public var deviceClass: UInt8

    public init(bus: Int, address: Int, vendorID: UInt16, productID: UInt16, deviceClass: UInt8) {
        self.bus = bus
        self.address = address
        self.vendorID = vendorID
        self.productID = productID
        self.deviceClass = deviceClass
    }

    /// `vvvv:pppp`, as lsusb and the configuration write it.
    public var id: String { String(format: "%04x:%04x", vendorID, productID) }

    public var className: String {
        switch deviceClass {
        case 0: return "par interface"
        case 3: return "clavier/souris (HID)"
        case 7: return "imprimante"
        case 8: return "stockage"
        case 9: return "concentrateur"
        case 0xFF: return "propre au fabricant"
        default: return String(format: "classe 0x%02x", deviceClass)
        }
    }
}

/// The USB bus through libusb: the inventory, and writing to a ticket printer's bulk OUT endpoint.
public enum USB {
    static func withContext<T>(_ body: (OpaquePointer?) throws -> T) throws -> T {
        var context: OpaquePointer?
        let status = libusb_init(&context)
        guard status == 0 else { throw USBError(code: .unavailable, message: "USB indisponible sur ce kiosque (libusb : \(status)).") }
        defer { libusb_exit(context) }
        return try body(context)
    }

    /// Every device on the bus, with its class, vendor and product.
    public static func devices() throws -> [USBDevice] {
        try withContext { context in
            var list: UnsafeMutablePointer<OpaquePointer?>?
            let count = libusb_get_device_list(context, &list)
            guard count >= 0, let list else { return [] }
            defer { libusb_free_device_list(list, 1) }
            return (0..<count).compactMap { index in
                guard let device = list[index] else { return nil }
                var descriptor = libusb_device_descriptor()
                guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
                return USBDevice(bus: Int(libusb_get_bus_number(device)), address: Int(libusb_get_device_address(device)),
                                 vendorID: descriptor.idVendor, productID: descriptor.idProduct, deviceClass: descriptor.bDeviceClass)
            }
        }
    }

    /// Sends bytes to the printer with this vendor and product id: claims interface 0 and writes to its bulk OUT endpoint.
    public static func write(_ bytes: [UInt8], vendorID: UInt16, productID: UInt16, timeoutMilliseconds: UInt32 = 5_000) throws {
        let name = String(format: "%04x:%04x", vendorID, productID)
        try withContext { context in
            var list: UnsafeMutablePointer<OpaquePointer?>?
            let count = libusb_get_device_list(context, &list)
            defer { if let list { libusb_free_device_list(list, 1) } }
            var found: OpaquePointer?
            for index in 0..<max(0, count) {
                guard let device = list?[index] else { continue }
                var descriptor = libusb_device_descriptor()
                if libusb_get_device_descriptor(device, &descriptor) == 0, descriptor.idVendor == vendorID, descriptor.idProduct == productID {
                    found = device
                    break
                }
            }
            guard let device = found else { throw USBError.from(LIBUSB_ERROR_NOT_FOUND.rawValue, device: name) }
            var handle: OpaquePointer?
            let opened = libusb_open(device, &handle)
            guard opened == 0, let handle else { throw USBError.from(opened, device: name) }
            defer { libusb_close(handle) }
            _ = libusb_set_auto_detach_kernel_driver(handle, 1)
            let claimed = libusb_claim_interface(handle, 0)
            guard claimed == 0 else { throw USBError.from(claimed, device: name) }
            defer { libusb_release_interface(handle, 0) }
            guard let endpoint = bulkOutEndpoint(device) else {
                throw USBError(code: .noEndpoint, message: "Ce périphérique (\(name)) n'a pas de sortie d'impression : vérifiez les identifiants dans la configuration.")
            }
            var data = bytes
            var sent: Int32 = 0
            let status = data.withUnsafeMutableBufferPointer {
                libusb_bulk_transfer(handle, endpoint, $0.baseAddress, Int32($0.count), &sent, timeoutMilliseconds)
            }
            guard status == 0, Int(sent) == bytes.count else { throw USBError.from(status == 0 ? LIBUSB_ERROR_IO.rawValue : status, device: name) }
        }
    }

    /// The first bulk OUT endpoint of interface 0.
    static func bulkOutEndpoint(_ device: OpaquePointer) -> UInt8? {
        var configuration: UnsafeMutablePointer<libusb_config_descriptor>?
        guard libusb_get_active_config_descriptor(device, &configuration) == 0, let configuration else { return nil }
        defer { libusb_free_config_descriptor(configuration) }
        guard configuration.pointee.bNumInterfaces > 0, let interface = configuration.pointee.interface,
              interface.pointee.num_altsetting > 0, let setting = interface.pointee.altsetting else { return nil }
        for index in 0..<Int(setting.pointee.bNumEndpoints) {
            let endpoint = setting.pointee.endpoint[index]
            if endpoint.bEndpointAddress & 0x80 == 0, endpoint.bmAttributes & 0x03 == 2 { return endpoint.bEndpointAddress }
        }
        return nil
    }
}
