// rolecall-bench: the load generator of bench/run.sh (async gRPC client). Prints one JSON object
// per run on stdout.
//   rolecall-bench stream       full-org ListUserPermissions, every message received and parsed
//   rolecall-bench check        CheckPermission at a fixed concurrency for a while: throughput
//                               and latency percentiles
//   rolecall-bench floor        the same for grpc.health.v1.Health/Check, which touches neither
//                               the database nor authentication: what a gRPC call alone costs
//   rolecall-bench list-users   ListUsers walked with page size 50
//   rolecall-bench batch-create one AdminBatchCreateUsers of --count users (optionally with
//                               passwords) while CheckPermission runs beside it
//   rolecall-bench bulk-check   BulkCheckPermission of --count random checks, one call after
//                               another from one caller for --seconds: checks per second
//   rolecall-bench grants       --count GrantRole calls of new (user, project) grants from
//                               --concurrency callers: writes per second
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "rolecall/v1/directory.grpc.pb.h"
#include "rolecall/v1/permissions.grpc.pb.h"
#include "rolecall/v1/users.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
using rolecall::v1::CheckPermissionRequest;
using rolecall::v1::CheckPermissionResponse;
using rolecall::v1::PermissionService;

struct Options {
  std::string server = "127.0.0.1:50051";
  std::string token;
  int users = 1000, clouds = 10, projects = 100;  // the generator's scale
  int concurrency = 8;
  double seconds = 20;
  int count = 1000;
  bool passwords = false;
};

std::shared_ptr<grpc::Channel> Channel(const Options& o) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(o.server, grpc::InsecureChannelCredentials(), args);
}

void Authorize(grpc::ClientContext& ctx, const Options& o) {
  ctx.AddMetadata("authorization", "Bearer " + o.token);
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[i];
}

// Random checks over the generated organization: its users, clouds and projects.
CheckPermissionRequest RandomCheck(const Options& o, std::mt19937& rng) {
  static const char* kRoles[] = {"readonly", "collaborator", "owner"};
  CheckPermissionRequest r;
  char id[32];
  std::snprintf(id, sizeof id, "usr_%08d", 1 + static_cast<int>(rng() % o.users));
  r.set_user_id(id);
  if (rng() % 10 < 4) {
    std::snprintf(id, sizeof id, "cld_%05d", 1 + static_cast<int>(rng() % o.clouds));
    r.mutable_resource()->set_cloud_id(id);
  } else {
    std::snprintf(id, sizeof id, "prj_%06d", 1 + static_cast<int>(rng() % o.projects));
    r.mutable_resource()->set_project_id(id);
  }
  r.set_min_role(kRoles[rng() % 3]);
  return r;
}

// Keeps `concurrency` unary calls, each begun by `begin`, in flight until `stop` is set (or
// `seconds` pass); returns the latencies (ms) of successful calls and counts failures (the first
// is described on stderr) — of the calls that finish while `record` is set, when one is given.
template <typename Response>
std::vector<double> UnaryLoad(
    const Options& o, std::atomic<bool>& stop, int64_t* errors, const std::atomic<bool>* record,
    const std::function<std::unique_ptr<grpc::ClientAsyncResponseReader<Response>>(
        grpc::ClientContext*, grpc::CompletionQueue*)>& begin) {
  grpc::CompletionQueue cq;
  struct Call {
    grpc::ClientContext ctx;
    Response response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> rpc;
    Clock::time_point start;
  };
  const auto launch = [&]() {
    auto* call = new Call;
    call->start = Clock::now();
    call->rpc = begin(&call->ctx, &cq);
    call->rpc->Finish(&call->response, &call->status, call);
  };
  const auto end = Clock::now() + std::chrono::duration<double>(o.seconds);
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  int in_flight = 0;
  for (; in_flight < o.concurrency; ++in_flight) launch();
  void* tag;
  bool ok;
  while (in_flight > 0 && cq.Next(&tag, &ok)) {
    std::unique_ptr<Call> call(static_cast<Call*>(tag));
    --in_flight;
    if (record && !*record) {
      // Not measured (warm-up or drain).
    } else if (ok && call->status.ok()) {
      latencies.push_back(Seconds(Clock::now() - call->start) * 1000);
    } else if ((*errors)++ == 0) {
      // The JSON on stdout counts failures; say on stderr what the first one was.
      std::cerr << "rolecall-bench: a call failed: "
                << (ok ? "code " + std::to_string(call->status.error_code()) + ": " +
                             call->status.error_message()
                       : std::string("the call was cut short"))
                << "\n";
    }
    if (!stop && Clock::now() < end) {
      launch();
      ++in_flight;
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return latencies;
}

// UnaryLoad of random CheckPermission calls.
std::vector<double> CheckLoad(const Options& o, std::atomic<bool>& stop, int64_t* errors,
                              const std::atomic<bool>* record = nullptr) {
  auto stub = PermissionService::NewStub(Channel(o));
  std::mt19937 rng(7);
  return UnaryLoad<CheckPermissionResponse>(
      o, stop, errors, record, [&](grpc::ClientContext* ctx, grpc::CompletionQueue* cq) {
        Authorize(*ctx, o);
        return stub->AsyncCheckPermission(ctx, RandomCheck(o, rng), cq);
      });
}

nlohmann::json LatencySummary(std::vector<double> ms, double seconds, int64_t errors) {
  std::sort(ms.begin(), ms.end());
  return {{"calls", ms.size()},
          {"errors", errors},
          {"seconds", seconds},
          {"throughput_per_s", ms.size() / seconds},
          {"p50_ms", Percentile(ms, 0.50)},
          {"p90_ms", Percentile(ms, 0.90)},
          {"p99_ms", Percentile(ms, 0.99)},
          {"p999_ms", Percentile(ms, 0.999)}};
}

// Reads to its end the server stream that `open` starts (authorized), handing each message to
// `read`; returns how many seconds that took, or nullopt when the call failed (said on stderr as
// "`what` failed: ...").
template <typename Page>
std::optional<double> ReadStream(
    const Options& o, const char* what,
    const std::function<std::unique_ptr<grpc::ClientReader<Page>>(grpc::ClientContext*)>& open,
    const std::function<void(const Page&)>& read) {
  grpc::ClientContext ctx;
  Authorize(ctx, o);
  const auto start = Clock::now();
  auto reader = open(&ctx);
  Page page;
  while (reader->Read(&page)) read(page);
  const grpc::Status status = reader->Finish();
  const double seconds = Seconds(Clock::now() - start);
  if (!status.ok()) {
    std::cerr << what << " failed: " << status.error_message() << "\n";
    return std::nullopt;
  }
  return seconds;
}

int Stream(const Options& o) {
  auto stub = PermissionService::NewStub(Channel(o));
  rolecall::v1::ListUserPermissionsRequest request;
  request.set_page_size(50);
  int64_t rows = 0, users = 0, bytes = 0, messages = 0;
  const auto seconds = ReadStream<rolecall::v1::ListUserPermissionsPage>(
      o, "stream",
      [&](grpc::ClientContext* ctx) { return stub->ListUserPermissions(ctx, request); },
      [&](const rolecall::v1::ListUserPermissionsPage& page) {
        ++messages;
        bytes += static_cast<int64_t>(page.ByteSizeLong());
        for (const auto& u : page.users()) {
          ++users;
          for (const auto& c : u.clouds()) rows += (c.has_role() ? 1 : 0) + c.projects_size();
        }
      });
  if (!seconds) return 1;
  std::cout << nlohmann::json{{"mode", "stream"},
                              {"seconds", *seconds},
                              {"rows", rows},
                              {"users", users},
                              {"messages", messages},
                              {"bytes", bytes},
                              {"rows_per_s", rows / *seconds},
                              {"bytes_per_s", bytes / *seconds}}
            << "\n";
  return 0;
}

// Runs `load` for o.seconds and prints its summary as `mode`.
int Unary(const Options& o, const std::string& mode,
          const std::function<std::vector<double>(std::atomic<bool>&, int64_t*)>& load) {
  std::atomic<bool> stop{false};
  int64_t errors = 0;
  const auto start = Clock::now();
  auto latencies = load(stop, &errors);
  auto out = LatencySummary(std::move(latencies), Seconds(Clock::now() - start), errors);
  out["mode"] = mode;
  out["concurrency"] = o.concurrency;
  std::cout << out << "\n";
  return errors > 0 ? 1 : 0;
}

int Check(const Options& o) {
  return Unary(o, "check", [&](std::atomic<bool>& stop, int64_t* errors) {
    return CheckLoad(o, stop, errors);
  });
}

int Floor(const Options& o) {
  auto stub = grpc::health::v1::Health::NewStub(Channel(o));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("rolecall.v1.PermissionService");
  return Unary(o, "floor", [&](std::atomic<bool>& stop, int64_t* errors) {
    return UnaryLoad<grpc::health::v1::HealthCheckResponse>(
        o, stop, errors, nullptr, [&](grpc::ClientContext* ctx, grpc::CompletionQueue* cq) {
          return stub->AsyncCheck(ctx, request, cq);
        });
  });
}

int ListUsers(const Options& o) {
  auto stub = rolecall::v1::UserService::NewStub(Channel(o));
  rolecall::v1::ListUsersRequest request;
  request.set_page_size(50);
  int64_t users = 0, pages = 0;
  const auto seconds = ReadStream<rolecall::v1::ListUsersPage>(
      o, "list", [&](grpc::ClientContext* ctx) { return stub->ListUsers(ctx, request); },
      [&](const rolecall::v1::ListUsersPage& page) {
        ++pages;
        users += page.users_size();
      });
  if (!seconds) return 1;
  std::cout << nlohmann::json{{"mode", "list-users"},
                              {"seconds", *seconds},
                              {"users", users},
                              {"pages", pages},
                              {"users_per_s", users / *seconds}}
            << "\n";
  return 0;
}

int BatchCreate(const Options& o) {
  auto stub = rolecall::v1::UserService::NewStub(Channel(o));
  rolecall::v1::AdminCreateUsers batch;
  const auto tag = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (int i = 0; i < o.count; ++i) {
    auto* u = batch.add_create_users();
    u->set_name("Bench " + std::to_string(i));
    u->set_email("bench" + tag + "-" + std::to_string(i) + "@load.example.com");
    if (o.passwords) u->set_password("password-" + std::to_string(i) + "-long-enough");
  }
  // Other traffic beside the batch: its p99 tells whether the batch starves the server.
  std::atomic<bool> stop{false}, record{false};
  int64_t probe_errors = 0;
  std::vector<double> probe;
  Options probe_options = o;
  probe_options.concurrency = 4;
  probe_options.seconds = 3600;
  std::thread prober([&] { probe = CheckLoad(probe_options, stop, &probe_errors, &record); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  grpc::ClientContext ctx;
  Authorize(ctx, o);
  rolecall::v1::AdminBatchCreateUsersResponse response;
  record = true;  // the probe's figures cover exactly the batch
  const auto start = Clock::now();
  const grpc::Status status = stub->AdminBatchCreateUsers(&ctx, batch, &response);
  const double seconds = Seconds(Clock::now() - start);
  record = false;
  stop = true;
  prober.join();
  if (!status.ok()) {
    std::cerr << "batch failed: " << status.error_message() << "\n";
    return 1;
  }
  auto out = nlohmann::json{{"mode", "batch-create"},
                            {"users", response.created_users_size()},
                            {"passwords", o.passwords},
                            {"seconds", seconds}};
  out["beside"] = LatencySummary(std::move(probe), seconds, probe_errors);
  std::cout << out << "\n";
  return probe_errors == 0 ? 0 : 1;
}

int BulkCheck(const Options& o) {
  auto stub = PermissionService::NewStub(Channel(o));
  std::mt19937 rng(7);
  int64_t checks = 0, calls = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  while (Clock::now() < end) {
    rolecall::v1::BulkCheckPermissionRequest request;
    for (int i = 0; i < o.count; ++i) {
      const CheckPermissionRequest one = RandomCheck(o, rng);
      auto* item = request.add_items();
      item->set_user_id(one.user_id());
      *item->mutable_resource() = one.resource();
      item->set_min_role(one.min_role());
    }
    grpc::ClientContext ctx;
    Authorize(ctx, o);
    rolecall::v1::BulkCheckPermissionResponse response;
    const grpc::Status status = stub->BulkCheckPermission(&ctx, request, &response);
    if (!status.ok()) {
      std::cerr << "bulk check failed: " << status.error_message() << "\n";
      return 1;
    }
    checks += response.results_size();
    ++calls;
  }
  const double seconds = Seconds(Clock::now() - start);
  std::cout << nlohmann::json{{"mode", "bulk-check"},
                              {"items", o.count},
                              {"calls", calls},
                              {"seconds", seconds},
                              {"checks_per_s", checks / seconds}}
            << "\n";
  return 0;
}

int Grants(const Options& o) {
  auto stub = rolecall::v1::DirectoryService::NewStub(Channel(o));
  // Each run grants pairs no earlier run granted (a repeated grant changes nothing).
  const int64_t base =
      std::chrono::system_clock::now().time_since_epoch() / std::chrono::milliseconds(1);
  std::atomic<int> next{0}, errors{0};
  const auto start = Clock::now();
  std::vector<std::thread> callers;
  for (int t = 0; t < o.concurrency; ++t) {
    callers.emplace_back([&] {
      for (int i = next++; i < o.count; i = next++) {
        const int64_t n = base + i;
        char user[16], project[16];
        std::snprintf(user, sizeof user, "usr_%08d", 1 + static_cast<int>(n % o.users));
        std::snprintf(project, sizeof project, "prj_%06d",
                      1 + static_cast<int>((n / o.users) % o.projects));
        rolecall::v1::GrantRoleRequest request;
        request.mutable_resource()->set_project_id(project);
        request.mutable_principal()->set_user_id(user);
        request.set_role(i % 2 == 0 ? "readonly" : "collaborator");
        grpc::ClientContext ctx;
        Authorize(ctx, o);
        rolecall::v1::Grant out;
        if (!stub->GrantRole(&ctx, request, &out).ok()) ++errors;
      }
    });
  }
  for (auto& c : callers) c.join();
  const double seconds = Seconds(Clock::now() - start);
  std::cout << nlohmann::json{{"mode", "grants"},
                              {"grants", o.count},
                              {"errors", errors.load()},
                              {"seconds", seconds},
                              {"grants_per_s", o.count / seconds}}
            << "\n";
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"rolecall-bench: load for bench/run.sh"};
  app.add_option("--server", o.server);
  app.add_option("--token", o.token)->envname("ROLECALL_TOKEN");
  app.add_option("--users", o.users)->check(CLI::PositiveNumber);
  app.add_option("--clouds", o.clouds)->check(CLI::PositiveNumber);
  app.add_option("--projects", o.projects)->check(CLI::PositiveNumber);
  app.add_option("--concurrency", o.concurrency)->check(CLI::PositiveNumber);
  app.add_option("--seconds", o.seconds)->check(CLI::PositiveNumber);
  app.add_option("--count", o.count);
  app.add_flag("--passwords", o.passwords);
  app.fallthrough();
  app.require_subcommand(1);
  int rc = 0;
  app.add_subcommand("stream")->callback([&] { rc = Stream(o); });
  app.add_subcommand("check")->callback([&] { rc = Check(o); });
  app.add_subcommand("floor")->callback([&] { rc = Floor(o); });
  app.add_subcommand("list-users")->callback([&] { rc = ListUsers(o); });
  app.add_subcommand("batch-create")->callback([&] { rc = BatchCreate(o); });
  app.add_subcommand("grants")->callback([&] { rc = Grants(o); });
  app.add_subcommand("bulk-check")->callback([&] { rc = BulkCheck(o); });
  CLI11_PARSE(app, argc, argv);
  return rc;
}
