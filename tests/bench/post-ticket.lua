-- wrk script: each request issues one ticket (a durable commit).
wrk.method = "POST"
wrk.body = '{"group":"CT"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("MOTCUA_TOKEN")
