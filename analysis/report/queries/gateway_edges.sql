-- Edges of the gateway graph: the dependency edges, plus an edge from a
-- service to its gateway when no dependency row links it to anything.
SELECT from_id, to_id, kind FROM dependencies
UNION
SELECT s.service_id, g.to_id, 'gateway'
FROM services s
JOIN (SELECT DISTINCT gateway_id, first_value(to_id) OVER (PARTITION BY gateway_id ORDER BY n DESC) AS to_id
      FROM (SELECT s2.gateway_id, d.to_id, count(*) AS n FROM dependencies d
            JOIN services s2 ON s2.service_id = d.from_id WHERE d.kind = 'gateway' GROUP BY ALL)) g
  USING (gateway_id)
WHERE s.service_id NOT IN (SELECT from_id FROM dependencies)
  AND s.service_id NOT IN (SELECT to_id FROM dependencies)
ORDER BY 1, 2
