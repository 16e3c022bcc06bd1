#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server.h>

#include <memory>

#include "absl/status/statusor.h"
#include "service/change_pruner.h"
#include "service/health.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/options.h"
#include "service/rpc.h"
#include "service/services.h"
#include "storage/pg_store.h"

namespace rolecall {

// The running gRPC server with everything it owns: the pool, the services, health, reflection
// and metrics.
class RolecallServer final {
 public:
  // Checks the schema (or migrates when options.migrate), then binds and starts serving.
  // FAILED_PRECONDITION on an unmigrated or too-new database; UNAVAILABLE when PostgreSQL cannot
  // be reached; INVALID_ARGUMENT when a port cannot be bound.
  static absl::StatusOr<std::unique_ptr<RolecallServer>> Start(const ServerOptions& options,
                                                               Logger& log);
  ~RolecallServer();

  int port() const { return port_; }
  int metrics_port() const { return metrics_.port(); }
  // The health-only plaintext listener's port (options.health_listen); 0 when there is none.
  int health_port() const { return health_port_; }

  // Reports NOT_SERVING, stops accepting calls, lets in-flight calls finish until the grace
  // deadline and cancels the rest.
  void Shutdown();

 private:
  RolecallServer(const ServerOptions& options, Logger& log);
  void SetServing(bool serving);
  absl::Status StartHealthListener();

  const ServerOptions options_;
  Logger& log_;
  Metrics metrics_;
  std::unique_ptr<PgStore> store_;
  Drain drain_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<grpc::Server> server_;
  // --health-listen (null when off), and what answers its every other method: UNIMPLEMENTED.
  std::unique_ptr<grpc::CallbackGenericService> health_unimplemented_;
  std::unique_ptr<grpc::Server> health_server_;
  std::unique_ptr<DatabaseProbe> probe_;
  std::unique_ptr<ChangePruner> pruner_;
  std::mutex health_mu_;
  bool shutting_down_ = false;  // guarded by health_mu_
  int port_ = 0;
  int health_port_ = 0;
};

}  // namespace rolecall
