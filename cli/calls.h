// Calling the server from a command: a unary RPC with the command's credentials and deadline, and
// a server-streamed List RPC read page by page.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include "cli/commands.h"

namespace rolecall::cli {

// A unary RPC of a generated stub, e.g. `&v1::DirectoryService::Stub::GetCloud`.
template <typename Stub, typename Request, typename Response>
using UnaryRpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// A server-streaming RPC of a generated stub, e.g. `&v1::DirectoryService::Stub::ListClouds`.
template <typename Stub, typename Request, typename Page>
using StreamRpc = std::unique_ptr<grpc::ClientReader<Page>> (Stub::*)(grpc::ClientContext*,
                                                                      const Request&);

// Calls `rpc` on a new connection; the call's status.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(CommandEnv& env, UnaryRpc<Stub, Request, Response> rpc,
                  const std::type_identity_t<Request>& request, Response* out) {
  Stub stub(Connect(env.connection));
  return (stub.*rpc)(NewContext(env.connection).get(), request, out);
}

// Calls `rpc`; the response, or none after reporting the failure (env.Fail).
template <typename Stub, typename Request, typename Response>
std::optional<Response> CallOrFail(CommandEnv& env, UnaryRpc<Stub, Request, Response> rpc,
                                   const std::type_identity_t<Request>& request) {
  Response out;
  const grpc::Status status = Call(env, rpc, request, &out);
  if (!status.ok()) {
    env.Fail(status);
    return std::nullopt;
  }
  return out;
}

// How much of a list to ask for: items per page (0: the server's default of 50) and items in all
// (0: every item).
struct Paging {
  int page_size = 0;
  int max_items = 0;
};

// Streams `rpc(request)` with `paging` set on the request, handing each page to `on_page`. When
// that returns false the call is cancelled and the result is OK; otherwise the call's status.
template <typename Stub, typename Request, typename Page>
grpc::Status ReadPages(CommandEnv& env, StreamRpc<Stub, Request, Page> rpc,
                       std::type_identity_t<Request> request, const Paging& paging,
                       const std::function<bool(const Page&)>& on_page) {
  request.set_page_size(paging.page_size);
  request.set_max_items(paging.max_items);
  Stub stub(Connect(env.connection));
  auto ctx = NewContext(env.connection, /*with_deadline=*/false);
  auto reader = (stub.*rpc)(ctx.get(), request);
  bool stopped = false;
  Page page;
  while (!stopped && reader->Read(&page)) {
    if (!on_page(page)) {
      stopped = true;
      ctx->TryCancel();
    }
  }
  const grpc::Status status = reader->Finish();
  return stopped ? grpc::Status::OK : status;
}

}  // namespace rolecall::cli
