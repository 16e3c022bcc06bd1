#include "service/services.h"

#include "core/status.h"
#include "service/handlers.h"

namespace rolecall {

absl::StatusOr<std::unique_ptr<Services>> Services::Create(Store& store, Metrics& metrics,
                                                           Logger& log, Drain& drain,
                                                           const ServicesOptions& options) {
  ASSIGN_OR_RETURN(std::string token_key, store.PageTokenKey(RequestContext{}));
  std::unique_ptr<Services> s(new Services());
  s->tokens_ = std::make_unique<PageTokenCodec>(std::move(token_key));
  s->auth_ = std::make_unique<Authenticator>(store, metrics, options.auth_failures_per_minute);
  s->hasher_ = std::make_unique<PasswordHasher>(options.hash_threads);
  s->streams_ = std::make_unique<StreamWatchdog>(options.stream_idle_limit);
  s->env_ =
      std::make_unique<ServiceEnv>(ServiceEnv{store, store, store, store, store, *s->auth_, metrics,
                                              log, *s->tokens_, *s->hasher_, *s->streams_, drain});
  s->services_.push_back(NewUserService(*s->env_));
  s->services_.push_back(NewPermissionService(*s->env_));
  s->services_.push_back(NewDirectoryService(*s->env_));
  s->services_.push_back(NewChangeService(
      *s->env_, WatchOptions{options.watch_checkpoint, options.max_watch_streams}));
  return s;
}

Services::~Services() = default;

void Services::Register(grpc::ServerBuilder& builder) {
  for (const auto& service : services_) builder.RegisterService(service.get());
}

}  // namespace rolecall
