import ArgumentParser
import Foundation
import Printers

/// `kiosk doctor`: checks of the box. For now the USB inventory (the full doctor comes with provisioning).
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Check the box.", subcommands: [USBInventory.self])

    /// `kiosk doctor usb`: every USB device with its class, vendor and product.
    struct USBInventory: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "usb", abstract: "List the USB devices (class, vendor:product), to find the ticket printer.")

        func run() throws {
            do {
                let devices = try USB.devices()
                if devices.isEmpty {
                    print("No USB device found. A ticket printer must be plugged in and switched on.")
                    return
                }
                for device in devices {
                    print(String(format: "bus %03d device %03d  %@  %@", device.bus, device.address, device.id, device.className))
                }
            } catch let error as USBError {
                Output.error(error.message)
                throw ExitCode(4)
            }
        }
    }
}
