@_exported import BoxSync
