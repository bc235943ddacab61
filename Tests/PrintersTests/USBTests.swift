import CLibUSB
import Printers
import Testing

@Suite("USB ticket printer")
struct USBTests {
    @Test("libusb errors become what the mediator should do", arguments: [
        (LIBUSB_ERROR_NOT_FOUND.rawValue, USBError.Code.notFound, "introuvable"),
        (LIBUSB_ERROR_NO_DEVICE.rawValue, .notFound, "vérifiez le câble USB"),
        (LIBUSB_ERROR_BUSY.rawValue, .busy, "utilisée par un autre programme"),
        (LIBUSB_ERROR_ACCESS.rawValue, .permission, "la règle udev manque"),
        (LIBUSB_ERROR_TIMEOUT.rawValue, .io, "ne répond pas"),
        (LIBUSB_ERROR_PIPE.rawValue, .io, "LIBUSB_ERROR_PIPE"),
    ])
    func errorMapping(status: Int32, code: USBError.Code, words: String) {
        let error = USBError.from(status, device: "0416:5011")
        #expect(error.code == code)
        #expect(error.message.contains(words))
        #expect(error.message.contains("0416:5011"))
    }

    @Test("The inventory lists the bus without failing, and an absent printer is reported as not found")
    func absentPrinter() throws {
        let devices = try USB.devices()
        let absent = devices.contains { $0.vendorID == 0xFFFE && $0.productID == 0xFFFE } == false
        #expect(absent)
        #expect(throws: USBError.from(LIBUSB_ERROR_NOT_FOUND.rawValue, device: "fffe:fffe")) {
            try USB.write([0x1B, 0x40], vendorID: 0xFFFE, productID: 0xFFFE)
        }
    }

    @Test("Device ids read as lsusb writes them")
    func deviceID() {
        #expect(USBDevice(bus: 1, address: 4, vendorID: 0x0416, productID: 0x5011, deviceClass: 7).id == "0416:5011")
        #expect(USBDevice(bus: 1, address: 4, vendorID: 0x0416, productID: 0x5011, deviceClass: 7).className == "imprimante")
    }
}
