//! The SQL `lync usage` runs. Every query aggregates on the server (GROUP BY user, device or
//! conference → user), so rows received grow with users, not sessions. Only SELECT; every value
//! a parameter (@P1 = window start, @P2 = window end); UriTypes joined by name, never by id.
//! Kept to SQL that SQL Server and the SQLite-backed test server both run: no TOP, COALESCE not
//! ISNULL, dates as parameters, derived tables aliased, every output column named.

/// Columns that only exist from Lync Server 2013, detected per database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Schema {
    /// Registration.DeviceId (→ Devices.MacAddress)
    pub registration_device_id: bool,
    /// ClientVersions.ClientType (8 = IP phone; 256/16396 system endpoints)
    pub client_type: bool,
}

impl Schema {
    pub fn lync2010() -> Schema {
        Schema::default()
    }
    pub fn lync2013() -> Schema {
        Schema {
            registration_device_id: true,
            client_type: true,
        }
    }
}

/// Every query `lync usage` runs, by name: a renamed or added query is a build error where
/// its rows are read, not a query whose rows are silently ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryName {
    Coverage,
    User(UserQuery),
    Devices,
    QoeIpPhones,
}

/// The queries that count one kind of each user's activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserQuery {
    Registrations,
    PeerToPeer,
    Pstn,
    ConferencesOrganized,
    ConferencesJoined,
}

impl UserQuery {
    pub const ALL: [UserQuery; 5] = [
        UserQuery::Registrations,
        UserQuery::PeerToPeer,
        UserQuery::Pstn,
        UserQuery::ConferencesOrganized,
        UserQuery::ConferencesJoined,
    ];
}

impl QueryName {
    /// The name shown in progress, errors and `lync usage-queries`.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryName::Coverage => "Coverage",
            QueryName::User(UserQuery::Registrations) => "Registrations",
            QueryName::User(UserQuery::PeerToPeer) => "PeerToPeer",
            QueryName::User(UserQuery::Pstn) => "Pstn",
            QueryName::User(UserQuery::ConferencesOrganized) => "ConferencesOrganized",
            QueryName::User(UserQuery::ConferencesJoined) => "ConferencesJoined",
            QueryName::Devices => "Devices",
            QueryName::QoeIpPhones => "QoeIpPhones",
        }
    }
}

impl std::fmt::Display for QueryName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub struct Query {
    pub name: QueryName,
    pub purpose: &'static str,
    pub sql: String,
}

/// Which client is an IP phone: ClientType 8 (2013+), else the version string (Lync 2010).
fn is_ip_phone(s: Schema) -> &'static str {
    if s.client_type {
        "(cv.ClientType = 8 OR cv.Version LIKE '%OCPhone%')"
    } else {
        "(cv.Version LIKE '%OCPhone%' OR cv.Version LIKE '%CPE%')"
    }
}

/// Registrations of system endpoints (CAS, synthetic transactions) are not usage. Lync 2010
/// has no ClientType: its CAS endpoints are told by the version text.
fn not_system(s: Schema) -> &'static str {
    if s.client_type {
        "COALESCE(cv.ClientType, 0) NOT IN (256, 16396)"
    } else {
        "COALESCE(cv.Version, '') NOT LIKE '%CAS%'"
    }
}

pub fn coverage() -> Query {
    Query {
        name: QueryName::Coverage,
        purpose: "earliest and latest call detail record, to tell whether the window is covered",
        sql: "SELECT MIN(t.FirstRecord) AS FirstRecord, MAX(t.LastRecord) AS LastRecord FROM (\
SELECT MIN(SessionIdTime) AS FirstRecord, MAX(SessionIdTime) AS LastRecord FROM dbo.SessionDetails \
UNION ALL SELECT MIN(RegisterTime) AS FirstRecord, MAX(RegisterTime) AS LastRecord FROM dbo.Registration \
UNION ALL SELECT MIN(SessionIdTime) AS FirstRecord, MAX(SessionIdTime) AS LastRecord FROM dbo.Conferences) t"
            .into(),
    }
}

/// The per-user queries, each run in turn and added into each user's evidence.
pub fn user_queries(s: Schema) -> Vec<Query> {
    UserQuery::ALL.iter().map(|&q| user_query(q, s)).collect()
}

/// The SQL of one per-user query (its rows: UserUri, LastActivity and the query's counts).
pub fn user_query(which: UserQuery, s: Schema) -> Query {
    let (purpose, sql): (&'static str, String) = match which {
        UserQuery::Registrations => (
            "Standard: client registrations per user",
            format!(
                "SELECT u.UserUri AS UserUri, COUNT(*) AS Registrations, MAX(r.RegisterTime) AS LastActivity \
FROM dbo.Registration r JOIN dbo.Users u ON u.UserId = r.UserId \
LEFT JOIN dbo.ClientVersions cv ON cv.VersionId = r.ClientVersionId \
WHERE r.RegisterTime >= @P1 AND r.RegisterTime < @P2 AND {} GROUP BY u.UserUri",
                not_system(s)
            ),
        ),
        UserQuery::PeerToPeer => (
            "Standard: P2P IM and audio/video, either party; Enterprise: P2P application sharing, credited to User1 only (the user who started the session, i.e. who shared; viewing a share is Standard); Plus: delegation, Response Group agent calls (CallFlag 0x02 counts for User1, the agent who placed the call; the called party uses no Plus feature)",
            "SELECT u.UserUri AS UserUri, \
SUM(CASE WHEN (p.MediaTypes & 1) <> 0 THEN 1 ELSE 0 END) AS P2PIm, \
SUM(CASE WHEN (p.MediaTypes & 48) <> 0 THEN 1 ELSE 0 END) AS P2PAudioVideo, \
SUM(CASE WHEN (p.MediaTypes & 8) <> 0 THEN 1 ELSE 0 END) AS P2PAppSharing, \
SUM(CASE WHEN p.Delegated = 1 THEN 1 ELSE 0 END) AS DelegatedCalls, \
SUM(CASE WHEN (COALESCE(p.CallFlag, 0) & 2) <> 0 THEN 1 ELSE 0 END) AS RgsAgentCalls, \
MAX(p.SessionIdTime) AS LastActivity FROM (\
SELECT s.User1Id AS UserId, s.MediaTypes AS MediaTypes, s.CallFlag AS CallFlag, \
CASE WHEN s.OnBehalfOfId IS NULL THEN 0 ELSE 1 END AS Delegated, s.SessionIdTime AS SessionIdTime \
FROM dbo.SessionDetails s WHERE s.SessionIdTime >= @P1 AND s.SessionIdTime < @P2 AND s.ResponseCode = 200 \
UNION ALL SELECT s.User2Id AS UserId, (s.MediaTypes & ~8) AS MediaTypes, 0 AS CallFlag, 0 AS Delegated, s.SessionIdTime AS SessionIdTime \
FROM dbo.SessionDetails s WHERE s.SessionIdTime >= @P1 AND s.SessionIdTime < @P2 AND s.ResponseCode = 200\
) p JOIN dbo.Users u ON u.UserId = p.UserId GROUP BY u.UserUri"
                .into(),
        ),
        UserQuery::Pstn => (
            "Plus: calls to and from the PSTN through a gateway (a party is PSTN when its number and the matching gateway are set)",
            "SELECT u.UserUri AS UserUri, \
SUM(CASE WHEN x.Direction = 1 THEN 1 ELSE 0 END) AS PstnOut, \
SUM(CASE WHEN x.Direction = 2 THEN 1 ELSE 0 END) AS PstnIn, \
MAX(x.SessionIdTime) AS LastActivity FROM (\
SELECT s.User1Id AS UserId, 1 AS Direction, s.SessionIdTime AS SessionIdTime FROM dbo.VoipDetails v \
JOIN dbo.SessionDetails s ON s.SessionIdTime = v.SessionIdTime AND s.SessionIdSeq = v.SessionIdSeq \
WHERE v.ConnectedNumberId IS NOT NULL AND v.ToGatewayId IS NOT NULL AND s.SessionIdTime >= @P1 AND s.SessionIdTime < @P2 \
UNION ALL SELECT s.User2Id AS UserId, 2 AS Direction, s.SessionIdTime AS SessionIdTime FROM dbo.VoipDetails v \
JOIN dbo.SessionDetails s ON s.SessionIdTime = v.SessionIdTime AND s.SessionIdSeq = v.SessionIdSeq \
WHERE v.FromNumberId IS NOT NULL AND v.FromGatewayId IS NOT NULL AND s.SessionIdTime >= @P1 AND s.SessionIdTime < @P2\
) x JOIN dbo.Users u ON u.UserId = x.UserId GROUP BY u.UserUri"
                .into(),
        ),
        UserQuery::ConferencesOrganized => (
            "Enterprise: conferences organised with audio/video, application sharing or data collaboration joined by 2+ participants, and dial-in (PSTN) participants",
            "SELECT u.UserUri AS UserUri, \
SUM(CASE WHEN x.AvJoins >= 2 THEN 1 ELSE 0 END) AS AudioVideoConferences, \
SUM(CASE WHEN x.SharingJoins >= 2 THEN 1 ELSE 0 END) AS AppSharingConferences, \
SUM(CASE WHEN x.DataJoins >= 2 THEN 1 ELSE 0 END) AS DataConferences, \
SUM(x.DialInJoins) AS DialInParticipants, MAX(x.Participants) AS MaxParticipants, \
MAX(x.SessionIdTime) AS LastActivity FROM (\
SELECT c.OrganizerId AS OrganizerId, c.SessionIdTime AS SessionIdTime, \
COUNT(DISTINCT CASE WHEN ut.UriType = 'conf:audio-video' THEN m.UserId END) AS AvJoins, \
COUNT(DISTINCT CASE WHEN ut.UriType = 'conf:applicationsharing' THEN m.UserId END) AS SharingJoins, \
COUNT(DISTINCT CASE WHEN ut.UriType = 'conf:data-conf' THEN m.UserId END) AS DataJoins, \
SUM(CASE WHEN m.IsFromPstn = 1 THEN 1 ELSE 0 END) AS DialInJoins, \
COUNT(DISTINCT m.UserId) AS Participants \
FROM dbo.Conferences c \
JOIN dbo.McuJoinsAndLeaves m ON m.SessionIdTime = c.SessionIdTime AND m.SessionIdSeq = c.SessionIdSeq \
JOIN dbo.Mcus mc ON mc.McuId = m.McuId JOIN dbo.UriTypes ut ON ut.UriTypeId = mc.McuTypeId \
WHERE c.SessionIdTime >= @P1 AND c.SessionIdTime < @P2 AND (COALESCE(c.Flag, 0) & 1) = 0 \
GROUP BY c.OrganizerId, c.SessionIdTime, c.SessionIdSeq\
) x JOIN dbo.Users u ON u.UserId = x.OrganizerId GROUP BY u.UserUri"
                .into(),
        ),
        UserQuery::ConferencesJoined => (
            "Standard: conferences joined (joining is a Standard right)",
            "SELECT u.UserUri AS UserUri, COUNT(DISTINCT m.SessionIdTime) AS ConferencesJoined, MAX(m.SessionIdTime) AS LastActivity \
FROM dbo.McuJoinsAndLeaves m JOIN dbo.Users u ON u.UserId = m.UserId \
WHERE m.SessionIdTime >= @P1 AND m.SessionIdTime < @P2 GROUP BY u.UserUri"
                .into(),
        ),
    };
    Query {
        name: QueryName::User(which),
        purpose,
        sql,
    }
}

pub fn device_query(s: Schema) -> Query {
    let (mac_col, mac_join, mac_group) = if s.registration_device_id {
        (
            "CAST(d.MacAddress AS NVARCHAR(40)) AS MacAddress",
            "LEFT JOIN dbo.Devices d ON d.DeviceId = r.DeviceId",
            ", d.MacAddress",
        )
    } else {
        ("CAST(NULL AS NVARCHAR(40)) AS MacAddress", "", "")
    };
    Query {
        name: QueryName::Devices,
        purpose: "devices: registrations per endpoint (MAC address where Lync 2013+ records it), with the client kind",
        sql: format!(
            "SELECT r.EndpointId AS EndpointId, {mac_col}, MAX(u.UserUri) AS UserUri, MAX(cv.Version) AS ClientVersion, \
MAX(CASE WHEN {phone} THEN 1 ELSE 0 END) AS IsIpPhone, COUNT(*) AS Registrations, MAX(r.RegisterTime) AS LastActivity \
FROM dbo.Registration r JOIN dbo.Users u ON u.UserId = r.UserId \
LEFT JOIN dbo.ClientVersions cv ON cv.VersionId = r.ClientVersionId {mac_join} \
WHERE r.RegisterTime >= @P1 AND r.RegisterTime < @P2 AND {system} GROUP BY r.EndpointId{mac_group}",
            phone = is_ip_phone(s),
            system = not_system(s),
        ),
    }
}

/// Schema probes: column names of an empty result.
pub fn probe(table: &str) -> String {
    format!("SELECT * FROM dbo.{table} WHERE 1 = 0")
}

/// QoEMetrics: audio sessions from IP phones (UserAgent.UAType 8), per user and endpoint.
pub fn qoe_ip_phones() -> Query {
    Query {
        name: QueryName::QoeIpPhones,
        purpose: "devices (QoEMetrics): sessions from IP phones (UserAgent.UAType 8), per user and endpoint",
        sql: "SELECT x.UserUri AS UserUri, x.EndpointName AS EndpointName, COUNT(*) AS Sessions, MAX(x.StartTime) AS LastActivity FROM (\
SELECT us.URI AS UserUri, e.Name AS EndpointName, s.StartTime AS StartTime FROM dbo.Session s \
JOIN dbo.[User] us ON us.UserKey = s.CallerURI JOIN dbo.UserAgent ua ON ua.UserAgentKey = s.CallerUserAgent \
LEFT JOIN dbo.Endpoint e ON e.EndpointKey = s.CallerEndpoint \
WHERE ua.UAType = 8 AND s.StartTime >= @P1 AND s.StartTime < @P2 \
UNION ALL SELECT us.URI AS UserUri, e.Name AS EndpointName, s.StartTime AS StartTime FROM dbo.Session s \
JOIN dbo.[User] us ON us.UserKey = s.CalleeUri JOIN dbo.UserAgent ua ON ua.UserAgentKey = s.CalleeUserAgent \
LEFT JOIN dbo.Endpoint e ON e.EndpointKey = s.CalleeEndpoint \
WHERE ua.UAType = 8 AND s.StartTime >= @P1 AND s.StartTime < @P2\
) x GROUP BY x.UserUri, x.EndpointName"
            .into(),
    }
}
