#include "storage/pg_errors.h"

#include <pqxx/pqxx>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace rolecall {
namespace {
constexpr char kConnectionFailure[] = "rolecall/connection-failure";
}  // namespace

absl::Status StatusFromException(std::exception_ptr error, const std::string& what) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::broken_connection&) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat(what, ": the database connection was lost; retry shortly"));
    s.SetPayload(kConnectionFailure, absl::Cord("1"));
    return s;
  } catch (const pqxx::in_doubt_error&) {
    return absl::UnavailableError(
        absl::StrCat(what, ": the connection was lost during commit; the outcome is unknown"));
  } catch (const pqxx::unique_violation&) {
    return absl::AlreadyExistsError(absl::StrCat(what, ": already exists"));
  } catch (const pqxx::foreign_key_violation&) {
    return absl::NotFoundError(absl::StrCat(what, ": a referenced object does not exist"));
  } catch (const pqxx::serialization_failure&) {
    return absl::AbortedError(absl::StrCat(what, ": conflicting concurrent change; retry"));
  } catch (const pqxx::deadlock_detected&) {
    return absl::AbortedError(absl::StrCat(what, ": conflicting concurrent change; retry"));
  } catch (const pqxx::sql_error& e) {
    const std::string state = e.sqlstate();
    if (state == "57014") {  // query_canceled: statement_timeout or a cancel request
      return absl::DeadlineExceededError(absl::StrCat(what, ": the database query timed out"));
    }
    if (state.rfind("57P", 0) == 0 || state.rfind("08", 0) == 0) {  // shutdown / connection
      absl::Status s = absl::UnavailableError(
          absl::StrCat(what, ": the database is unavailable; retry shortly"));
      s.SetPayload(kConnectionFailure, absl::Cord("1"));
      return WithDetail(std::move(s), absl::StrCat("SQLSTATE ", state, ": ", e.what()));
    }
    if (state == "42501") {  // insufficient_privilege: a deployment mistake, not a client's
      return WithDetail(
          absl::InternalError(absl::StrCat(what, ": the database refused the server's role")),
          absl::StrCat("SQLSTATE ", state, ": ", e.what()));
    }
    return WithDetail(absl::InternalError(absl::StrCat(what, ": database error")),
                      absl::StrCat("SQLSTATE ", state, ": ", e.what()));
  } catch (const std::exception& e) {
    return WithDetail(absl::InternalError(absl::StrCat(what, ": internal error")), e.what());
  } catch (...) {
    return absl::InternalError(absl::StrCat(what, ": unknown error"));
  }
}

bool IsConnectionFailure(const absl::Status& status) {
  return status.GetPayload(kConnectionFailure).has_value();
}

}  // namespace rolecall
