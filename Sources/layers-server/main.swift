// layers-server: a thin wrapper; everything lives in the LayersServer library.
import Foundation
import LayersServer

let status = await LayersCommandLine.run(Array(CommandLine.arguments.dropFirst()),
                                         environment: ProcessInfo.processInfo.environment)
exit(status)
