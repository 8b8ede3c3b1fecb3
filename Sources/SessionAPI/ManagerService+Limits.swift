import ManagerContract
import Varlink

extension ManagerService {
    /// The server's limits with this interface's error, so a refused client reads
    /// `org.mtpsessiond.Manager.LimitReached`.
    public static func limits(connectionsPerUID: Int = 128, stallSeconds: Double = 30, queuedReplyBytes: Int = 8 << 20)
        -> VarlinkServer.Limits
    {
        VarlinkServer.Limits(
            connectionsPerUID: connectionsPerUID, stallSeconds: stallSeconds, queuedReplyBytes: queuedReplyBytes,
            errorInterface: Manager.interfaceName)
    }
}
